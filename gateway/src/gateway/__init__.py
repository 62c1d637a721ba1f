"""The gateway: the single public entry; checks tokens, limits rates, routes to services."""
