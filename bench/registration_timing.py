"""Registration time, new phone number against taken one: the answers must take comparable time.

    uv run --frozen python bench/registration_timing.py [--rounds 30]

Runs identity's registration use case (`auth.registration.register_patient`, what
POST /v1/auth/register calls, one transaction each) on a throwaway identity database, alternating
a fresh phone number with one that already has an account, and prints p50 / p90 / mean of each
and their difference. Both do the password rules and argon2id hashing; the new one inserts the
account, the taken one stages DuplicateRegistrationAttempted; both write an audit entry.
PostgreSQL: BENCH_DATABASE_URL, else TEST_DATABASE_URL, else the embedded server.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import statistics
import tempfile
import time
import uuid
from collections.abc import AsyncIterator
from pathlib import Path

from identity.auth.registration import register_patient
from identity.auth.schemas import PatientRegister
from identity.deps import IdentityConfig
from identity.security.keys import KeyRing
from identity.settings import Settings
from pydantic import SecretStr
from servicekit.db import asyncpg_dsn, create_engine, session_factory
from servicekit.testing.databases import ServiceDatabases

TAKEN = "+254712000000"


@contextlib.asynccontextmanager
async def database() -> AsyncIterator[str]:
    """The identity role's URL of a fresh, migrated database; dropped afterwards."""
    from servicekit.testing.servers import start_postgres

    async with contextlib.AsyncExitStack() as stack:
        url = os.environ.get("BENCH_DATABASE_URL") or os.environ.get("TEST_DATABASE_URL")
        if url:
            admin_url = asyncpg_dsn(url)
        else:
            server = await start_postgres()
            stack.push_async_callback(server.close)
            admin_url = server.admin_url
        databases = ServiceDatabases(admin_url, f"bench_register_{uuid.uuid4().hex[:10]}")
        stack.push_async_callback(databases.drop)
        yield await databases("identity")


def body(phone: str, n: int) -> PatientRegister:
    return PatientRegister(
        full_name=f"Patient Number{n}",
        phone=phone,
        password=SecretStr(f"mango jua baridi kesho {n}"),
    )


def summary(name: str, seconds: list[float]) -> str:
    ms = sorted(s * 1000 for s in seconds)
    p50, p90 = ms[len(ms) // 2], ms[int(len(ms) * 0.9)]
    return f"{name}: p50 {p50:.1f} ms, p90 {p90:.1f} ms, mean {statistics.fmean(ms):.1f} ms"


async def run(rounds: int) -> None:
    async with database() as url:
        keys = Path(tempfile.mkdtemp())
        config = IdentityConfig.from_settings(
            Settings(database_url=SecretStr(url), keys_dir=keys),
            KeyRing(keys, create_if_missing=True),
        )
        engine = create_engine(url)
        sessions = session_factory(engine)

        async def register(data: PatientRegister) -> float:
            started = time.perf_counter()
            async with sessions() as session, session.begin():
                await register_patient(session=session, data=data, config=config, client="bench")
            return time.perf_counter() - started

        await register(body(TAKEN, 0))  # the account whose number is then tried again
        new, taken = [], []
        for n in range(1, rounds + 1):
            new.append(await register(body(f"+2547130{n:05d}", n)))
            taken.append(await register(body(TAKEN, n)))
        await engine.dispose()
        print(summary("new number  ", new))
        print(summary("taken number", taken))
        difference = statistics.median(taken) - statistics.median(new)
        print(f"median difference (taken - new): {difference * 1000:+.1f} ms")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=30)
    asyncio.run(run(parser.parse_args().rounds))


if __name__ == "__main__":
    main()
