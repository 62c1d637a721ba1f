"""Request dependencies that read the service's settings."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from booking.settings import Settings


async def _settings(request: Request) -> Settings:
    settings = request.app.state.runtime.settings
    assert isinstance(settings, Settings)
    return settings


BookingSettings = Annotated[Settings, Depends(_settings)]
