from uuid import UUID

import pytest
from clinic_contracts import (
    DEAD_LETTER_TOPIC,
    IDENTITY_TOPIC,
    TOPICS,
    ClinicCreated,
    DeadLetter,
    Event,
    EventEnvelope,
    RegistryError,
    TopicSpec,
    UnknownEventType,
    UnknownTopic,
    event_model,
    events_of,
    topic_names,
    topic_of,
    topic_spec,
)
from clinic_contracts.booking import BOOKING_TOPIC, AppointmentBooked
from clinic_contracts.json_schemas import example_of
from clinic_contracts.registry import build_index
from clinic_contracts.shifts import SHIFTS_TOPIC
from pydantic import BaseModel, Field


class ShiftPlanned(Event):
    """A test event of the shifts topic."""

    event_type = "ShiftPlanned"
    topic = SHIFTS_TOPIC
    aggregate_field = "shift_id"

    shift_id: UUID = Field(description="Shift.", examples=["5d1c8f3e-7a2b-4c9d-8e6f-1a2b3c4d5e6f"])


def test_topics_are_the_services_and_the_dead_letter_topic() -> None:
    assert set(topic_names()) == {
        "clinic.identity.v1",
        "clinic.shifts.v1",
        "clinic.booking.v1",
        "clinic.notify.v1",
        "clinic.deadletter.v1",
    }
    assert all(spec.partitions == 6 for spec in TOPICS)


def test_lookups_of_a_registered_event() -> None:
    assert event_model("ClinicCreated", 1) is ClinicCreated
    assert topic_of(ClinicCreated) == IDENTITY_TOPIC
    assert ClinicCreated in events_of(IDENTITY_TOPIC)
    assert AppointmentBooked in events_of(BOOKING_TOPIC)


def test_dead_letter_topic_carries_dead_letters_without_envelope() -> None:
    spec = topic_spec(DEAD_LETTER_TOPIC)

    assert spec.raw_message is DeadLetter
    assert spec.events == ()


def test_unknown_lookups_fail_clearly() -> None:
    with pytest.raises(UnknownTopic, match=r"clinic\.nowhere\.v1"):
        events_of("clinic.nowhere.v1")
    with pytest.raises(UnknownEventType, match="ShiftPlanned is not registered"):
        topic_of(ShiftPlanned)


def test_event_registered_on_another_topic_than_its_own_fails() -> None:
    with pytest.raises(RegistryError, match=r"declares topic 'clinic\.identity\.v1'"):
        TopicSpec(name=SHIFTS_TOPIC, owner="shifts", description="x", events=(ClinicCreated,))


def test_event_type_on_two_topics_fails() -> None:
    class BookingShiftPlanned(ShiftPlanned):
        topic = BOOKING_TOPIC
        schema_version = 2

    topics = (
        TopicSpec(name=SHIFTS_TOPIC, owner="shifts", description="x", events=(ShiftPlanned,)),
        TopicSpec(name=BOOKING_TOPIC, owner="b", description="x", events=(BookingShiftPlanned,)),
    )

    with pytest.raises(RegistryError, match="ShiftPlanned is on both"):
        build_index(topics)


def test_same_event_version_twice_fails() -> None:
    class Again(ShiftPlanned):
        pass

    spec = TopicSpec(name=SHIFTS_TOPIC, owner="s", description="x", events=(ShiftPlanned, Again))

    with pytest.raises(RegistryError, match="ShiftPlanned v1 is registered twice"):
        build_index([spec])


def test_same_topic_twice_fails() -> None:
    spec = TopicSpec(name=SHIFTS_TOPIC, owner="shifts", description="x")

    with pytest.raises(RegistryError, match="registered twice"):
        build_index([spec, spec])


def test_incomplete_or_odd_events_fail() -> None:
    class NoType(Event):
        topic = SHIFTS_TOPIC
        aggregate_field = "shift_id"
        shift_id: UUID

    class BadAggregate(ShiftPlanned):
        aggregate_field = "provider_id"

    class BadName(ShiftPlanned):
        event_type = "shift planned"

    for event, message in [
        (NoType, "does not set the ClassVar event_type"),
        (BadAggregate, "aggregate_field 'provider_id'"),
        (BadName, "not PascalCase"),
    ]:
        with pytest.raises(RegistryError, match=message):
            TopicSpec(name=SHIFTS_TOPIC, owner="shifts", description="x", events=(event,))


def test_topic_names_and_kinds_are_checked() -> None:
    with pytest.raises(RegistryError, match="not like"):
        TopicSpec(name="shifts", owner="shifts", description="x")
    with pytest.raises(RegistryError, match="either events or a raw message"):
        TopicSpec(
            name=SHIFTS_TOPIC,
            owner="s",
            description="x",
            events=(ShiftPlanned,),
            raw_message=DeadLetter,
        )


def all_models() -> list[type[BaseModel]]:
    models: list[type[BaseModel]] = [EventEnvelope]
    for spec in TOPICS:
        models.extend(spec.events)
        if spec.raw_message is not None:
            models.append(spec.raw_message)
    return models


@pytest.mark.parametrize("model", all_models(), ids=lambda model: model.__name__)
def test_every_field_has_a_description_and_a_valid_example(model: type[BaseModel]) -> None:
    for name, field in model.model_fields.items():
        assert field.description, f"{model.__name__}.{name} has no description"
        assert field.examples, f"{model.__name__}.{name} has no example"
    assert model.__doc__, f"{model.__name__} has no docstring"
    example_of(model)


def test_class_vars_are_not_fields() -> None:
    hidden = {"event_type", "schema_version", "topic", "aggregate_field"}

    assert not hidden & set(ClinicCreated.model_fields)
