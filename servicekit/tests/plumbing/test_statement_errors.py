"""A failed statement's error, which ends up in logs, does not carry the values it was given."""

from __future__ import annotations

import uuid

import pytest
from sqlalchemy import insert
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncEngine

from .conftest import ledger


async def test_a_failed_insert_does_not_show_its_parameters(engine: AsyncEngine) -> None:
    secret = "+254700123456 Wanjiku Kamau"
    statement = insert(ledger).values(id=1, event_id=uuid.uuid4(), note=secret)
    async with engine.begin() as connection:
        await connection.execute(statement)
    with pytest.raises(IntegrityError) as failure:
        async with engine.begin() as connection:
            await connection.execute(statement)  # the same primary key again

    assert "duplicate key" in str(failure.value)
    assert secret not in str(failure.value)
    assert "parameters hidden" in str(failure.value)
