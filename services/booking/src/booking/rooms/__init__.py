"""Rooms and other resources a type of visit may need."""
