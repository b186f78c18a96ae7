"""Alembic environment: qda runs migrations itself (qda.store.migrate), on its own connection."""

from alembic import context

from qda.store.schema import metadata

connection = context.config.attributes["connection"]
context.configure(connection=connection, target_metadata=metadata, render_as_batch=True)
with context.begin_transaction():
    context.run_migrations()
