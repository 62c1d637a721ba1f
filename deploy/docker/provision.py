"""`provision` job of the clinic image: the database, the service roles and schemas, the key.

Reads DATABASE_URL (a PostgreSQL superuser, used only here) and each service's own
<SVC>_DATABASE_URL (the very variables the services read): the database name and every role's
password come from those URLs, so the passwords are written once, in the deployment's secrets.
Then, if IDENTITY_KEYS_DIR holds no signing key yet, it creates the first one
(`python -m identity rotate-keys`); in production identity refuses to start without it.
Idempotent: run it before every `migrate` (a rerun rotates nothing but changed passwords).
"""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
from pathlib import Path

from servicekit.local.stack import SERVICE_NAMES
from servicekit.provision import provision, role_name
from sqlalchemy.engine import make_url


def service_passwords(environ: dict[str, str], database: str) -> dict[str, str]:
    """{service: password} from the <SVC>_DATABASE_URL variables; all must name one database."""
    passwords = {}
    for service in SERVICE_NAMES:
        name = f"{service.upper()}_DATABASE_URL"
        if not environ.get(name):
            raise SystemExit(f"provision: {name} is not set")
        url = make_url(environ[name])
        if url.username != role_name(service):
            raise SystemExit(f"provision: {name} must log in as {role_name(service)}")
        if url.database != database:
            raise SystemExit(f"provision: {name} names database {url.database!r}, not {database!r}")
        if not url.password:
            raise SystemExit(f"provision: {name} has no password")
        passwords[service] = str(url.password)
    return passwords


def ensure_signing_key(environ: dict[str, str]) -> None:
    """Create the first identity signing key unless IDENTITY_KEYS_DIR already has one."""
    keys_dir = environ.get("IDENTITY_KEYS_DIR")
    if not keys_dir:
        raise SystemExit("provision: IDENTITY_KEYS_DIR is not set")
    if (Path(keys_dir) / "current.pem").exists():
        print(f"signing key present in {keys_dir}")
        return
    subprocess.run([sys.executable, "-m", "identity", "rotate-keys"], check=True)


def main() -> int:
    environ = dict(os.environ)
    admin_url = environ.get("DATABASE_URL")
    if not admin_url:
        raise SystemExit("provision: DATABASE_URL (a PostgreSQL superuser) is not set")
    database = make_url(environ["IDENTITY_DATABASE_URL"]).database or "clinic"
    passwords = service_passwords(environ, database)
    asyncio.run(provision(admin_url, database, passwords))
    print(f"provisioned database {database}: roles and schemas of {', '.join(passwords)}")
    ensure_signing_key(environ)
    return 0


if __name__ == "__main__":
    sys.exit(main())
