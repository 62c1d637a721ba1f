"""keyset_page on a real PostgreSQL: pages follow each other without gaps or repeats, in
either direction, the cursor reads back by the columns' types, and a forged one is a 400."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta

import pytest
from servicekit.pagination import BadCursor, Keyset, encode_cursor, keyset_page
from sqlalchemy import DateTime, Text, Uuid, select
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from .conftest import SCHEMA

T0 = datetime(2026, 12, 7, 9, tzinfo=UTC)


class Base(DeclarativeBase):
    pass


class Visit(Base):
    __tablename__ = "keyset_visits"
    __table_args__ = {"schema": SCHEMA}
    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    starts_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    name: Mapped[str] = mapped_column(Text)


@pytest.fixture
async def visits(
    engine: AsyncEngine, sessions: async_sessionmaker[AsyncSession]
) -> AsyncIterator[list[Visit]]:
    async with engine.begin() as connection:
        await connection.run_sync(Base.metadata.create_all)
    # Three visits share each start, so the id has to break the ties.
    rows = [
        Visit(id=uuid.uuid4(), starts_at=T0 + timedelta(minutes=15 * (n // 3)), name=f"v{n:02d}")
        for n in range(11)
    ]
    async with sessions() as session, session.begin():
        session.add_all(rows)
    yield rows
    async with engine.begin() as connection:
        await connection.run_sync(Base.metadata.drop_all)


async def all_pages(
    sessions: async_sessionmaker[AsyncSession], *, limit: int, descending: bool = False
) -> list[Keyset[Visit]]:
    pages: list[Keyset[Visit]] = []
    cursor: str | None = None
    async with sessions() as session:
        while not pages or cursor:
            page = await keyset_page(
                session,
                select(Visit),
                order=(Visit.starts_at, Visit.id),
                cursor=cursor,
                limit=limit,
                descending=descending,
            )
            pages.append(page)
            cursor = page.next_cursor
    return pages


def sort_key(visit: Visit) -> tuple[datetime, uuid.UUID]:
    return visit.starts_at, visit.id


async def test_pages_cover_every_row_once_in_order(
    visits: list[Visit], sessions: async_sessionmaker[AsyncSession]
) -> None:
    pages = await all_pages(sessions, limit=4)
    assert [len(page.items) for page in pages] == [4, 4, 3]
    assert pages[-1].next_cursor is None
    seen = [sort_key(v) for page in pages for v in page.items]
    assert seen == sorted(sort_key(v) for v in visits)


async def test_descending_pages_run_newest_first(
    visits: list[Visit], sessions: async_sessionmaker[AsyncSession]
) -> None:
    pages = await all_pages(sessions, limit=5, descending=True)
    seen = [sort_key(v) for page in pages for v in page.items]
    assert seen == sorted((sort_key(v) for v in visits), reverse=True)


async def test_a_full_last_page_has_no_next_cursor(
    visits: list[Visit], sessions: async_sessionmaker[AsyncSession]
) -> None:
    pages = await all_pages(sessions, limit=11)
    assert len(pages) == 1
    assert pages[0].next_cursor is None


async def test_the_cursor_is_the_last_rows_key_as_before(
    visits: list[Visit], sessions: async_sessionmaker[AsyncSession]
) -> None:
    [first, *_] = await all_pages(sessions, limit=2)
    last = first.items[-1]
    assert first.next_cursor == encode_cursor(last.starts_at.isoformat(), last.id)


@pytest.mark.parametrize(
    "cursor",
    ["garbage", encode_cursor("not a time", uuid.uuid4()), encode_cursor(T0.isoformat())],
    ids=["not base64", "not a time", "one part short"],
)
async def test_a_forged_cursor_is_a_bad_cursor_problem(
    visits: list[Visit], sessions: async_sessionmaker[AsyncSession], cursor: str
) -> None:
    async with sessions() as session:
        with pytest.raises(BadCursor):
            await keyset_page(
                session, select(Visit), order=(Visit.starts_at, Visit.id), cursor=cursor, limit=2
            )
