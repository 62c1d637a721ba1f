"""`python -m reporting rebuild`: recompute projections and rollups from the fact table."""

from __future__ import annotations

import logging
import time

from servicekit.db import create_engine, session_factory

from reporting.analytics.rebuild import rebuild
from reporting.settings import Settings


async def rebuild_from_settings(settings: Settings) -> int:
    """Rebuild against the configured database; prints what it did, returns the exit code."""
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    engine = create_engine(settings.database_url.get_secret_value(), pool_size=1)
    started = time.monotonic()
    try:
        replayed = await rebuild(session_factory(engine), settings.rebuild_batch_size)
    finally:
        await engine.dispose()
    print(f"rebuilt the rollups from {replayed} facts in {time.monotonic() - started:.1f} s")
    return 0
