"""Lantern's persistence: SQLAlchemy models, repositories, the unit of work and migrations."""
