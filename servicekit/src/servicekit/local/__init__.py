"""Local run of the whole system: embedded PostgreSQL, Tansu, and the `clinic-stack` supervisor."""
