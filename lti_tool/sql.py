"""Small SQLAlchemy Core statements the launch and the activities share.

`INSERT … ON CONFLICT DO NOTHING RETURNING` is how a request creates a row that a concurrent request (a
second tab, another worker) may be creating at the same moment: the database decides who wins, without a
savepoint or an exception. Both SQLite (3.35+) and PostgreSQL have it; SQLAlchemy builds it per dialect and
runs it through its normal execution, so column defaults, type processing and engine events all apply.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy import Connection, Table
from sqlalchemy.dialects import postgresql, sqlite


def insert_ignoring_duplicates(conn: Connection, table: Table, values: Mapping[str, Any], returning: str) -> Any:
    """Insert `values` unless a row with the same unique key exists: the new row's `returning` column, or
    None when the row was already there."""
    dialect = postgresql if conn.dialect.name == "postgresql" else sqlite
    statement = dialect.insert(table).values(**values).on_conflict_do_nothing().returning(table.c[returning])
    return conn.execute(statement).scalar()
