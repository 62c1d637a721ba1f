"""A clinic's own wording of each kind of message per language, and the built-in texts."""
