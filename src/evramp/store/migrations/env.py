"""Alembic's environment: migrations run on the connection `evramp.store.engine` hands over
(in `config.attributes["connection"]`), inside its transaction."""

from alembic import context

from evramp.store.schema import metadata

connection = context.config.attributes["connection"]
context.configure(connection=connection, target_metadata=metadata, render_as_batch=True)
with context.begin_transaction():
    context.run_migrations()
