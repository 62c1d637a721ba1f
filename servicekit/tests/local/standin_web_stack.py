"""`clinic-stack` with stand-ins (as standin_stack.py) whose gateway serves the web app, so the
stack builds it; the web app is the one CLINIC_WEB_DIR names."""

from __future__ import annotations

import dataclasses
import json
import os
import sys

from servicekit.local.cli import main
from standin_stack import standin  # this folder is the script's, first on sys.path

if __name__ == "__main__":
    config = json.loads(os.environ["STANDIN_STACK"])
    gateway = dataclasses.replace(standin("gateway", database=False), serves_web=True)
    raise SystemExit(
        main(
            sys.argv[1:],
            services=[standin(name) for name in config["services"]],
            gateway=gateway,
            topics=[],
        )
    )
