"""What identity proves and checks callers with: signing keys, access tokens, passwords."""
