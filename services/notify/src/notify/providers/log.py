"""The `log` provider: messages go to the log only (the local stack's default).

Nothing personal reaches the log: the number is masked to its last 3 digits and the body is
reduced to its length. `mask_phone_number` and `redact_phone_numbers` serve the other providers
too, whose error texts may quote the recipient's number.
"""

from __future__ import annotations

import logging
import re
from datetime import datetime
from uuid import UUID

from clinic_contracts.notify import Channel

from notify.providers.base import Accepted, Outgoing

logger = logging.getLogger(__name__)

VISIBLE_DIGITS = 3
SEEN_LIMIT = 100_000  # ids kept for `find`; a long-running local stack must not grow forever
_PHONE_NUMBER = re.compile(r"\+?\d[\d ]{5,}\d")


def mask_phone_number(number: str) -> str:
    """`+254712345678` -> `**********678`."""
    hidden = max(len(number) - VISIBLE_DIGITS, 0)
    return "*" * hidden + number[hidden:]


def redact_phone_numbers(text: str) -> str:
    """The text with every phone-number-like run of digits masked."""
    return _PHONE_NUMBER.sub(lambda found: mask_phone_number(found[0]), text)


class LogProvider:
    """Logs one line per message and reports it delivered."""

    name = "log"
    channels: frozenset[Channel] = frozenset({"sms", "whatsapp"})
    can_reconcile = True

    def __init__(self) -> None:
        self._seen: dict[UUID, Accepted] = {}  # insertion-ordered: the oldest goes first

    async def send(self, message: Outgoing) -> Accepted:
        """Log the message without its number or text."""
        accepted = Accepted(f"log-{message.message_id}", "delivered")
        logger.info(
            "message %s by %s to %s: %d characters (log provider: not sent)",
            message.message_id,
            message.channel,
            mask_phone_number(message.to),
            len(message.body),
        )
        self._seen[message.message_id] = accepted
        if len(self._seen) > SEEN_LIMIT:
            del self._seen[next(iter(self._seen))]
        return accepted

    async def find(
        self, message: Outgoing, sent_after: datetime, exclude: frozenset[str] = frozenset()
    ) -> Accepted | None:
        """The message if this process logged it."""
        return self._seen.get(message.message_id)

    async def aclose(self) -> None:
        """Nothing to release."""
