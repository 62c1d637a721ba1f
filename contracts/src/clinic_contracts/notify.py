"""Events published by the notify service: confirmations and reminders sent."""

NOTIFY_TOPIC = "clinic.notify.v1"
