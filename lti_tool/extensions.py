"""Flask extensions: the only module-level singletons the app has."""

from typing import Any

from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from sqlalchemy import Connection, MetaData, Table
from sqlalchemy.orm import DeclarativeBase

# Stable constraint names keep Alembic migrations identical on SQLite and PostgreSQL.
NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)


# Objects stay readable after a commit (no reload per attribute): a request commits once and then renders
# from what it just wrote; sessions are per request, so nothing stale outlives it.
db = SQLAlchemy(model_class=Base, session_options={"expire_on_commit": False})
migrate = Migrate(render_as_batch=True, compare_type=True)


_INSERTS: dict[tuple[str, str, str | None], Any] = {}


def insert_ignoring_duplicates(conn: Connection, table: Table, returning: str | None = None) -> Any:
    """`INSERT … ON CONFLICT DO NOTHING [RETURNING column]` in the connection's dialect (SQLite and PostgreSQL,
    the two supported databases, both have it), built once per process: values are passed as parameters,
    so SQLAlchemy's compiled-statement cache is hit on every call."""
    key = (conn.dialect.name, table.name, returning)
    stmt = _INSERTS.get(key)
    if stmt is None:
        from sqlalchemy.dialects import postgresql, sqlite

        stmt = (postgresql if conn.dialect.name == "postgresql" else sqlite).insert(table).on_conflict_do_nothing()
        if returning:
            stmt = stmt.returning(table.c[returning])
        _INSERTS[key] = stmt
    return stmt
