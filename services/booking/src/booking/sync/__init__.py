"""Offline sync of front desk devices: pull the clinic's working set, push queued changes."""
