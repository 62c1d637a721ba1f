"""Events published by the shifts service: shift templates, shifts and leave."""

SHIFTS_TOPIC = "clinic.shifts.v1"
