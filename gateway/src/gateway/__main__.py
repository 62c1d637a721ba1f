"""Run the gateway: `python -m gateway` serves on GATEWAY_HOST:GATEWAY_PORT."""

from __future__ import annotations

from servicekit.cli import serve

from gateway.app import create_app
from gateway.settings import Settings


def main() -> None:
    """Serve the gateway."""
    settings = Settings()
    # X-Forwarded-For is interpreted by the gateway itself (GATEWAY_TRUST_FORWARDED_FOR).
    serve(create_app(settings), settings.host, settings.port, proxy_headers=False)


if __name__ == "__main__":
    main()
