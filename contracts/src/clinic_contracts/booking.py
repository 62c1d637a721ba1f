"""Events published by the booking service: appointment types and appointments."""

BOOKING_TOPIC = "clinic.booking.v1"
