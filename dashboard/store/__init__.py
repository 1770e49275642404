"""SQLAlchemy models, the engine and schema management."""
