"""Every topic of the system, who owns it and which event types (and versions) it may carry."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from pydantic import BaseModel

from clinic_contracts.booking import (
    APPOINTMENT_EVENTS,
    BOOKING_TOPIC,
    OfflineConflictRecorded,
    OfflineConflictResolved,
    WaitlistOfferExpired,
    WaitlistOfferMade,
)
from clinic_contracts.deadletter import DEAD_LETTER_TOPIC, DeadLetter
from clinic_contracts.envelope import Event, EventEnvelope
from clinic_contracts.identity import (
    IDENTITY_TOPIC,
    ClinicCreated,
    ClinicUpdated,
    DuplicateRegistrationAttempted,
    MembershipGranted,
    MembershipRevoked,
    SessionRevoked,
    UserDeactivated,
    UserRegistered,
    UserUpdated,
)
from clinic_contracts.notify import (
    NOTIFY_TOPIC,
    NotificationDelivered,
    NotificationFailed,
    NotificationSent,
)
from clinic_contracts.shifts import (
    SHIFTS_TOPIC,
    LeaveApproved,
    LeaveCancelled,
    ShiftCancelled,
    ShiftChanged,
    ShiftReassigned,
    ShiftScheduled,
)

_TOPIC_NAME = re.compile(r"^clinic\.[a-z]+\.v[1-9][0-9]*$")
# Event type names become file names of the generated schemas, so keep them to PascalCase.
_EVENT_TYPE = re.compile(r"^[A-Z][A-Za-z0-9]*$")


class RegistryError(Exception):
    """An event or topic is registered inconsistently; raised when the registry is built."""


# Named after what is unknown, like KeyError, rather than with an Error suffix.
class UnknownEventType(LookupError):  # noqa: N818
    """No event model is registered for an (event_type, schema_version) pair."""


class UnknownTopic(LookupError):  # noqa: N818
    """No topic of that name is registered."""


@dataclass(frozen=True)
class TopicSpec:
    """A Kafka topic: its owner, its size, and the messages it may carry."""

    name: str
    owner: str
    description: str
    partitions: int = 6
    events: tuple[type[Event], ...] = ()
    # Set for a topic whose messages are this model as-is, without the event envelope.
    raw_message: type[BaseModel] | None = None

    def __post_init__(self) -> None:
        if not _TOPIC_NAME.match(self.name):
            raise RegistryError(f"topic name {self.name!r} is not like 'clinic.<area>.v<N>'")
        if self.events and self.raw_message is not None:
            raise RegistryError(f"topic {self.name} carries either events or a raw message")
        for event in self.events:
            _check_event(event, self.name)


def _check_event(event: type[Event], topic: str) -> None:
    name = event.__name__
    for attribute in ("event_type", "topic", "aggregate_field"):
        if not hasattr(event, attribute):
            raise RegistryError(f"event {name} does not set the ClassVar {attribute}")
    if event.topic != topic:
        raise RegistryError(
            f"event {name} declares topic {event.topic!r} but is registered on {topic!r}"
        )
    if not _EVENT_TYPE.match(event.event_type):
        raise RegistryError(f"event {name}: event_type {event.event_type!r} is not PascalCase")
    if event.schema_version < 1:
        raise RegistryError(f"event {name}: schema_version must be >= 1")
    if event.aggregate_field not in event.model_fields:
        raise RegistryError(f"event {name}: aggregate_field {event.aggregate_field!r} is no field")


def build_index(topics: Iterable[TopicSpec]) -> dict[tuple[str, int], type[Event]]:
    """Index events by (event_type, schema_version); raise RegistryError on any clash."""
    index: dict[tuple[str, int], type[Event]] = {}
    home: dict[str, str] = {}
    names: set[str] = set()
    for spec in topics:
        if spec.name in names:
            raise RegistryError(f"topic {spec.name} is registered twice")
        names.add(spec.name)
        for event in spec.events:
            key = (event.event_type, event.schema_version)
            if key in index:
                raise RegistryError(f"{key[0]} v{key[1]} is registered twice")
            if home.setdefault(event.event_type, spec.name) != spec.name:
                raise RegistryError(
                    f"event type {key[0]} is on both {home[key[0]]} and {spec.name}"
                )
            index[key] = event
    return index


TOPICS: tuple[TopicSpec, ...] = (
    TopicSpec(
        name=IDENTITY_TOPIC,
        owner="identity",
        description="Clinics, users, memberships and ended sessions, keyed by the id of the "
        "changed entity (a session's events by its user's id).",
        events=(
            ClinicCreated,
            ClinicUpdated,
            UserRegistered,
            UserUpdated,
            UserDeactivated,
            MembershipGranted,
            MembershipRevoked,
            DuplicateRegistrationAttempted,
            SessionRevoked,
        ),
    ),
    TopicSpec(
        name=SHIFTS_TOPIC,
        owner="shifts",
        description="Shifts and leave: who works where and when, keyed by shift or leave id.",
        events=(
            ShiftScheduled,
            ShiftChanged,
            ShiftReassigned,
            ShiftCancelled,
            LeaveApproved,
            LeaveCancelled,
        ),
    ),
    TopicSpec(
        name=BOOKING_TOPIC,
        owner="booking",
        description="The lifecycle of appointments, keyed by appointment id; waitlist "
        "offers, keyed by waitlist entry id; offline conflicts, keyed by conflict id.",
        events=(
            *APPOINTMENT_EVENTS,
            WaitlistOfferMade,
            WaitlistOfferExpired,
            OfflineConflictRecorded,
            OfflineConflictResolved,
        ),
    ),
    TopicSpec(
        name=NOTIFY_TOPIC,
        owner="notify",
        description="Confirmations and reminders sent to patients, and their delivery status, "
        "keyed by message id.",
        events=(NotificationSent, NotificationDelivered, NotificationFailed),
    ),
    TopicSpec(
        name=DEAD_LETTER_TOPIC,
        owner="any consumer",
        description="Messages a consumer gave up on after bounded retries, with the reason. "
        "Each message is a DeadLetter as-is, not an event envelope; the key is the original key.",
        raw_message=DeadLetter,
    ),
)

_INDEX = build_index(TOPICS)
_BY_NAME = {spec.name: spec for spec in TOPICS}


def topic_names() -> tuple[str, ...]:
    """Return the names of all topics, the dead-letter topic included."""
    return tuple(_BY_NAME)


def topic_spec(name: str) -> TopicSpec:
    """Return the spec of a topic; raises UnknownTopic."""
    try:
        return _BY_NAME[name]
    except KeyError:
        raise UnknownTopic(f"unknown topic {name!r}; known: {', '.join(_BY_NAME)}") from None


def events_of(topic: str) -> tuple[type[Event], ...]:
    """Return the event models a topic may carry; raises UnknownTopic."""
    return topic_spec(topic).events


def topic_of(event_cls: type[Event]) -> str:
    """Return the topic an event model is published on; raises UnknownEventType if unregistered."""
    key = (event_cls.event_type, event_cls.schema_version)
    if _INDEX.get(key) is not event_cls:
        raise UnknownEventType(f"{event_cls.__name__} is not registered in clinic_contracts")
    return event_cls.topic


def event_model(event_type: str, version: int) -> type[Event]:
    """Return the model of an event type at a schema version; raises UnknownEventType."""
    model = _INDEX.get((event_type, version))
    if model is None:
        versions = sorted(v for t, v in _INDEX if t == event_type)
        known = f"known versions: {versions}" if versions else "no such event type"
        raise UnknownEventType(f"no event model for {event_type} v{version} ({known})")
    return model


def parse_event(envelope: EventEnvelope) -> Event:
    """Validate an envelope's payload into its registered event model.

    Raises UnknownEventType for a type or version this code does not know (consumers
    usually skip those) and pydantic.ValidationError for a payload that does not fit.
    """
    model = event_model(envelope.event_type, envelope.schema_version)
    return model.model_validate(envelope.payload)
