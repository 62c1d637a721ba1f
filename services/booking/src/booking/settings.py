"""Settings of the booking service (environment variables prefixed BOOKING_)."""

from typing import ClassVar

from pydantic import Field
from pydantic_settings import SettingsConfigDict
from servicekit.settings import ServiceSettings


class Settings(ServiceSettings):
    """Booking settings; e.g. BOOKING_DATABASE_URL, BOOKING_PORT."""

    model_config = SettingsConfigDict(env_prefix="BOOKING_", extra="ignore", env_ignore_empty=True)
    service_name: ClassVar[str] = "booking"
    default_port: ClassVar[int] = 8002

    hold_minutes: int = Field(
        default=5, ge=1, le=60, description="How long a slot hold keeps a slot for its holder."
    )
    waitlist_offer_minutes: int = Field(
        default=60,
        ge=1,
        le=1440,
        description="How long a waitlist patient has to take an offered slot before it "
        "passes to the next in line.",
    )
    hold_sweep_seconds: float = Field(
        default=30.0,
        gt=0,
        le=300,
        description="Longest pause between sweeps that release lapsed holds and pass lapsed "
        "offers on; a sweep otherwise runs when the earliest hold lapses.",
    )
    allotment_release_minutes: int = Field(
        default=120,
        ge=0,
        le=43200,
        description="How long before its start reserved front desk time (an offline "
        "allotment) goes back to online booking, unless the allotment names its own.",
    )
    sync_cursor_max_age_hours: int = Field(
        default=168,
        ge=1,
        le=24 * 90,
        description="A pull whose cursor is older than this answers a snapshot "
        "(BOOKING_SYNC_CURSOR_MAX_AGE_HOURS).",
    )
    sync_prune_seconds: float = Field(
        default=3600.0,
        gt=0,
        le=86400,
        description="How often sync changes older than sync_cursor_max_age_hours are pruned.",
    )
    sync_push_max_mutations: int = Field(
        default=500, ge=1, le=10_000, description="Most mutations one sync push may carry."
    )
    sync_push_max_bytes: int = Field(
        default=1 << 20, ge=1024, description="Largest sync push body, in bytes."
    )
