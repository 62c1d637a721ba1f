"""Health probe of the clinic image (slim images have no curl): exit 0 if /readyz answers 2xx.

`python /app/healthcheck.py [URL]`; without URL it probes http://127.0.0.1:<port>/readyz, the
port being the one <SVC>_PORT variable set in the environment (compose sets one per process).
"""

from __future__ import annotations

import os
import sys
import urllib.error
import urllib.request

PREFIXES = ("GATEWAY", "IDENTITY", "BOOKING", "SHIFTS", "NOTIFY", "REPORTING")


def default_url() -> str | None:
    ports = [os.environ[f"{p}_PORT"] for p in PREFIXES if os.environ.get(f"{p}_PORT")]
    return f"http://127.0.0.1:{ports[0]}/readyz" if len(ports) == 1 else None


def main(argv: list[str]) -> int:
    url = argv[0] if argv else default_url()
    if url is None or not url.startswith(("http://", "https://")):
        print("healthcheck: give a URL or set exactly one <SVC>_PORT", file=sys.stderr)
        return 2
    try:
        with urllib.request.urlopen(url, timeout=4) as response:  # noqa: S310 (http(s) only)
            return 0 if 200 <= response.status < 300 else 1
    except (urllib.error.URLError, OSError) as error:
        print(f"healthcheck: {url}: {error}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
