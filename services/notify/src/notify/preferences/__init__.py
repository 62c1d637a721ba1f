"""A user's own choices about the messages notify sends them."""
