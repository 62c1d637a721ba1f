"""`python -m <service>` serves the API and consumers; `python -m <service> migrate` migrates."""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from servicekit.settings import ServiceSettings

if TYPE_CHECKING:
    from fastapi import FastAPI

USAGE = "usage: python -m {name} [serve|migrate]"


def run_service(
    settings_class: type[ServiceSettings],
    create_app: Callable[[ServiceSettings], FastAPI],
    migrations_dir: Path,
    argv: list[str] | None = None,
) -> int:
    """Entry point shared by every service's __main__.

    `migrate` imports neither the web framework nor the app (`create_app` should import it
    when called): the stack runs every service's migrations first, and a second of imports
    per service is a good part of its start-up.
    """
    args = sys.argv[1:] if argv is None else argv
    action = args[0] if args else "serve"
    settings = settings_class()
    if action == "migrate":
        from servicekit.migrations import upgrade

        upgrade(migrations_dir, settings.database_url.get_secret_value())
        return 0
    if action != "serve":
        print(USAGE.format(name=settings.service_name), file=sys.stderr)
        return 2
    serve(create_app(settings), settings.host, settings.port)
    return 0


def serve(app: FastAPI, host: str, port: int, **options: Any) -> None:
    """Serve with uvicorn; logging is the app's own JSON logging, not uvicorn's."""
    import uvicorn

    uvicorn.run(
        app,
        host=host,
        port=port,
        log_config=None,
        access_log=False,
        server_header=False,  # `Server: uvicorn` tells an attacker what to look up
        timeout_graceful_shutdown=10,
        **options,
    )
