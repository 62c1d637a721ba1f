"""Run the identity service: `python -m identity` serves the API, `migrate` applies migrations.

`python -m identity dev-token [--role R --clinic ID]` prints a token for the local stack.
"""

import sys
from pathlib import Path

from servicekit.cli import run_service

from identity.app import create_app
from identity.settings import Settings

if sys.argv[1:2] == ["dev-token"]:
    from identity.devtoken import main

    sys.exit(main(sys.argv[2:]))
sys.exit(run_service(Settings, create_app, Path(__file__).parent / "migrations"))  # type: ignore[arg-type]
