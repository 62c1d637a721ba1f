"""Run the identity service: `python -m identity` serves the API, `migrate` applies migrations.

`python -m identity dev-token [--role R --clinic ID]` prints a token for the local stack;
`python -m identity verify-audit` checks the audit log's hash chain;
`python -m identity create-admin --email E` creates an organisation admin;
`python -m identity rotate-keys` rotates the signing keys.
"""

import sys
from pathlib import Path
from typing import TYPE_CHECKING

from servicekit.cli import run_service

from identity.settings import Settings

if TYPE_CHECKING:
    from fastapi import FastAPI

COMMANDS = {
    "dev-token": "identity.security.devtoken",
    "verify-audit": "identity.audit.verify",
    "create-admin": "identity.users.bootstrap",
    "rotate-keys": "identity.security.keys",
}

if sys.argv[1:2] and sys.argv[1] in COMMANDS:
    import importlib

    sys.exit(importlib.import_module(COMMANDS[sys.argv[1]]).main(sys.argv[2:]))


def create_app(settings: Settings) -> "FastAPI":
    from identity.app import create_app

    return create_app(settings)


sys.exit(run_service(Settings, create_app, Path(__file__).parent / "migrations"))  # type: ignore[arg-type]
