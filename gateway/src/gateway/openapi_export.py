"""The gateway's merged OpenAPI document, built in-process: no server, database or broker.

`clinic-web openapi` writes it for the web app's generated API types. It is what GET
/openapi.json answers on a running gateway: the same service apps' `.openapi()`, merged by the
same `merge_openapi`, in the gateway's upstream order (which decides the order of the tags).
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Callable, Iterator
from typing import Any

from fastapi import FastAPI

from gateway.openapi_merge import GATEWAY, Document, merge_openapi
from gateway.settings import Settings
from gateway.sync_route import push_openapi


def export_openapi() -> Document:
    """The merged document of every service, as a gateway with all of them up serves it."""
    return merge_openapi({**service_documents(), GATEWAY: push_openapi()})


def service_documents() -> dict[str, dict[str, Any]]:
    """Each service's own OpenAPI document, in the order the gateway fetches them."""
    with _harmless_environment():
        factories = _app_factories()
        # The gateway fetches from its upstreams in this order; the merged tags keep it.
        order = list(Settings().upstreams())
        return {name: factories[name]().openapi() for name in order}


def _app_factories() -> dict[str, Callable[[], FastAPI]]:
    # Imported here: the gateway itself never imports a service; only this export does.
    from booking.app import create_app as booking
    from identity.app import create_app as identity
    from notify.app import create_app as notify
    from reporting.app import create_app as reporting
    from shifts.app import create_app as shifts

    return {
        "identity": identity,
        "booking": booking,
        "shifts": shifts,
        "notify": notify,
        "reporting": reporting,
    }


@contextlib.contextmanager
def _harmless_environment() -> Iterator[None]:
    """Only development defaults while the apps are built, then the caller's environment back.

    Building an app connects to nothing (that is its lifespan's work), but it reads settings:
    the document must not depend on this machine's variables (a production ENVIRONMENT would
    refuse placeholder secrets), and identity creates a signing key when none exists, which
    belongs in a throwaway folder, not in .state/keys.
    """
    saved = dict(os.environ)
    with tempfile.TemporaryDirectory(prefix="openapi-export-") as keys:
        os.environ.clear()
        os.environ.update(
            PATH=saved.get("PATH", ""),
            ENVIRONMENT="development",
            LOG_LEVEL="WARNING",  # the apps' JSON start-up lines would clutter the command
            IDENTITY_KEYS_DIR=keys,
        )
        try:
            yield
        finally:
            os.environ.clear()
            os.environ.update(saved)
