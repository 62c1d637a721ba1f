"""Offline allotments: time per provider that only the front desk may book until released."""
