"""Appointments: holds, booking, the FHIR lifecycle, rescheduling and cancelling."""
