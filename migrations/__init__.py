"""Alembic migrations: the only way the schema is created, on SQLite as on PostgreSQL."""
