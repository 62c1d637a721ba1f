"""What notify asks of an SMS / WhatsApp provider, whichever it is.

A send ends in one of three ways: accepted (we get the provider's id), refused (`SendFailed`,
transient or permanent), or unknown (`SendFailed(ambiguous=True)`: the request may have reached
the provider, e.g. a read timeout). An unknown outcome is never simply resent: the dispatcher
first asks the provider with `find` whether it holds the message.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Protocol
from uuid import UUID

from clinic_contracts.notify import Channel


@dataclass(frozen=True)
class Outgoing:
    """One message to hand to a provider."""

    message_id: UUID
    to: str  # E.164
    body: str
    channel: Channel
    status_callback: str | None = None  # where the provider reports delivery, if it can


@dataclass(frozen=True)
class Accepted:
    """The provider took the message."""

    provider_message_id: str
    status: str  # the provider's word for it, e.g. "queued"


# Named for what happened, like the contracts' UnknownEventType, not with an Error suffix.
class SendFailed(Exception):  # noqa: N818
    """The provider did not (or may not have) taken the message."""

    def __init__(self, code: str, detail: str, *, transient: bool, ambiguous: bool = False) -> None:
        super().__init__(f"{code}: {detail}")
        self.code = code
        self.detail = detail
        self.transient = transient  # worth trying again later
        self.ambiguous = ambiguous  # the provider may hold it: reconcile before any resend


class Provider(Protocol):
    """An SMS / WhatsApp provider."""

    name: str
    channels: frozenset[Channel]
    can_reconcile: bool  # whether `find` can answer; if not, an unknown outcome is not resent

    async def send(self, message: Outgoing) -> Accepted:
        """Hand over a message; raise SendFailed when it was not (or may not have been) taken."""
        ...

    async def find(
        self, message: Outgoing, sent_after: datetime, exclude: frozenset[str] = frozenset()
    ) -> Accepted | None:
        """The provider's record of a message sent since `sent_after`, or None if it has none.

        `exclude` holds provider ids already recorded for other messages: a phone shared by a
        family can be sent the same words twice, and each record belongs to one message only.

        Raises SendFailed(transient=True) when the provider cannot be asked right now.
        """
        ...
