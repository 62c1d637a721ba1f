"""The append-only, hash-chained audit log of sign-ins and every state change."""
