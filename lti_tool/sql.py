"""Small SQLAlchemy Core statements the launch and the activities share.

`INSERT … ON CONFLICT DO NOTHING RETURNING` is how a request creates a row that a concurrent request (a
second tab, another worker) may be creating at the same moment: the database decides who wins, without a
savepoint or an exception. Both SQLite (3.35+) and PostgreSQL have it; SQLAlchemy builds it per dialect and
runs it through its normal execution, so column defaults, type processing and engine events all apply.

Statements are built once and executed with a parameter dictionary (SQLAlchemy then compiles each shape once
and reuses it from its statement cache), instead of building a new statement object with its values on every
call.
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import cache
from typing import Any

from sqlalchemy import Connection, Table, insert
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.sql import Executable


@cache
def _insert_ignoring(dialect_name: str, table: Table, returning: str) -> Executable:
    dialect = postgresql if dialect_name == "postgresql" else sqlite
    return dialect.insert(table).on_conflict_do_nothing().returning(table.c[returning])


@cache
def _insert_returning(table: Table, returning: str | None) -> Executable:
    statement = insert(table)
    return statement.returning(table.c[returning]) if returning else statement


def insert_ignoring_duplicates(conn: Connection, table: Table, values: Mapping[str, Any], returning: str) -> Any:
    """Insert `values` unless a row with the same unique key exists: the new row's `returning` column, or
    None when the row was already there."""
    return conn.execute(_insert_ignoring(conn.dialect.name, table, returning), dict(values)).scalar()


def insert_row(conn: Connection, table: Table, values: Mapping[str, Any], returning: str | None = None) -> Any:
    """A plain INSERT of one row; the `returning` column's value when asked for."""
    result = conn.execute(_insert_returning(table, returning), dict(values))
    return result.scalar_one() if returning else None
