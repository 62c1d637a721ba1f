"""`clinic-stack` with stand-in services (standin_service.py) instead of the real ones.

STANDIN_STACK holds {"services": [names], "topics": [[name, partitions], ...]} as JSON;
the command line is clinic-stack's.
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

from servicekit.local.cli import main
from servicekit.local.stack import ServiceSpec

STANDIN = str(Path(__file__).with_name("standin_service.py"))


def standin(name: str, *, database: bool = True) -> ServiceSpec:
    migrate = (sys.executable, STANDIN, name, "migrate") if database else None
    return ServiceSpec(name, (sys.executable, STANDIN, name), migrate, uses_database=database)


if __name__ == "__main__":
    config = json.loads(os.environ["STANDIN_STACK"])
    raise SystemExit(
        main(
            sys.argv[1:],
            services=[standin(name) for name in config["services"]],
            gateway=standin("gateway", database=False),
            topics=[(name, partitions) for name, partitions in config["topics"]],
        )
    )
