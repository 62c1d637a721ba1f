"""Run the gateway: `python -m gateway` serves on GATEWAY_HOST:GATEWAY_PORT."""

from __future__ import annotations

import uvicorn

from gateway.app import create_app
from gateway.settings import Settings


def main() -> None:
    """Serve the gateway with uvicorn; logging is configured by the app, not by uvicorn."""
    settings = Settings()
    uvicorn.run(
        create_app(settings),
        host=settings.host,
        port=settings.port,
        log_config=None,
        access_log=False,
        # X-Forwarded-For is interpreted by the gateway itself (GATEWAY_TRUST_FORWARDED_FOR).
        proxy_headers=False,
        timeout_graceful_shutdown=10,
    )


if __name__ == "__main__":
    main()
