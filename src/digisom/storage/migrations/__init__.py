"""Alembic migrations, shared by SQLite and PostgreSQL (portable SQLAlchemy types only)."""
