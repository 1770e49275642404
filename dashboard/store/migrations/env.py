"""Alembic environment: runs on the connection handed over by dashboard.store.schema."""

from alembic import context

from dashboard.store.models import Base

config = context.config
connection = config.attributes.get("connection")
if connection is None:  # pragma: no cover - only when someone runs the alembic command by hand
    from dashboard.settings import Settings
    from dashboard.store.engine import make_engine

    connection = make_engine(Settings().resolved_database_url()).connect()

context.configure(connection=connection, target_metadata=Base.metadata, render_as_batch=True)
with context.begin_transaction():
    context.run_migrations()
