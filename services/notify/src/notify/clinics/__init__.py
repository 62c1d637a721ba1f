"""A clinic's messaging settings: provider, channel, reminders, quiet hours."""
