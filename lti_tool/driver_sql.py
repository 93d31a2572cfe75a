"""Hot-path statements run on the database driver's own cursor, skipping SQLAlchemy's per-execution work.

A launch with its first page runs up to six small INSERTs. Through `Connection.execute` each costs about
0.14 ms of CPU on the 2-core reference machine; on the driver's cursor about 0.10 ms (bench/README.md). What
SQLAlchemy gives is kept: the statement is built with SQLAlchemy and compiled by it (once per dialect and
set of columns), values pass through the column types' own bind processors (JSON, SQLite's date format),
it runs in the session's connection and transaction, the engine's before/after_cursor_execute listeners
are called (statement counters, tracing), and a driver error is raised as SQLAlchemy's
(IntegrityError, OperationalError, …) with a dropped connection invalidated, so callers and the app's error
handlers see exactly what `Connection.execute` would have raised.

Results come back as the driver returns them, without SQLAlchemy's result processing: use this for
statements that return nothing or plain integers and strings (an INSERT's `RETURNING id`).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, Table
from sqlalchemy.engine import Dialect
from sqlalchemy.exc import DBAPIError
from sqlalchemy.sql import Executable


@dataclass(frozen=True)
class _Plan:
    sql: str
    order: tuple[str, ...] | None  # parameter names in placeholder order (qmark dialects), else named
    processors: tuple[tuple[str, Callable[[Any], Any]], ...]


class DriverStatement:
    """A statement, built per dialect by `build(dialect_name)`, executed on the driver's cursor."""

    def __init__(self, build: Callable[[str], Executable]) -> None:
        self._build = build
        self._plans: dict[tuple[str, tuple[str, ...]], _Plan] = {}

    def _plan(self, dialect: Dialect, keys: tuple[str, ...]) -> _Plan:
        compiled = self._build(dialect.name).compile(dialect=dialect, column_keys=list(keys))
        if getattr(compiled, "insert_prefetch", None) or getattr(compiled, "update_prefetch", None):
            # Python-side column defaults are applied by SQLAlchemy's execution, which this path skips.
            raise ValueError(f"pass every column explicitly; missing: {compiled.insert_prefetch}")
        processors = []
        for name, bind in compiled.binds.items():
            process = bind.type.dialect_impl(dialect).bind_processor(dialect)
            if process is not None:
                processors.append((name, process))
        order = tuple(compiled.positiontup) if compiled.positional else None
        plan = _Plan(compiled.string, order, tuple(processors))
        self._plans[(dialect.name, keys)] = plan
        return plan

    def execute(self, conn: Connection, params: Mapping[str, Any]) -> Any:
        """Run with `params` in `conn`'s transaction; the first row the statement returns, or None."""
        dialect = conn.dialect
        keys = tuple(sorted(params))
        plan = self._plans.get((dialect.name, keys)) or self._plan(dialect, keys)
        values = dict(params)
        for name, process in plan.processors:
            if values.get(name) is not None:
                values[name] = process(values[name])
        args: Any = tuple(values[name] for name in plan.order) if plan.order is not None else values
        dbapi_connection = conn.connection.dbapi_connection
        cursor = dbapi_connection.cursor()
        # Engine listeners (statement counters, tracing such as OpenTelemetry's) see these statements too.
        dispatch = conn.dispatch
        if dispatch.before_cursor_execute:
            dispatch.before_cursor_execute(conn, cursor, plan.sql, args, None, False)
        try:
            cursor.execute(plan.sql, args)
            if dispatch.after_cursor_execute:
                dispatch.after_cursor_execute(conn, cursor, plan.sql, args, None, False)
            return cursor.fetchone() if cursor.description is not None else None
        except dialect.loaded_dbapi.Error as exc:
            dropped = dialect.is_disconnect(exc, dbapi_connection, cursor)
            if dropped:
                conn.invalidate(exc)
            raise DBAPIError.instance(
                plan.sql, args, exc, dialect.loaded_dbapi.Error, connection_invalidated=dropped, dialect=dialect
            ) from exc
        finally:
            cursor.close()


_INSERTS: dict[tuple[str, str | None], DriverStatement] = {}


def insert_ignoring_duplicates(table: Table, returning: str | None = None) -> DriverStatement:
    """`INSERT … ON CONFLICT DO NOTHING [RETURNING column]` on the driver (SQLite and PostgreSQL both have it):
    the first row is the new row's `returning` value, or None when the row already existed."""
    key = (table.name, returning)
    statement = _INSERTS.get(key)
    if statement is None:
        def build(dialect_name: str) -> Executable:
            from sqlalchemy.dialects import postgresql, sqlite

            insert = (postgresql if dialect_name == "postgresql" else sqlite).insert(table).on_conflict_do_nothing()
            return insert.returning(table.c[returning]) if returning else insert

        statement = _INSERTS[key] = DriverStatement(build)
    return statement


def plain_insert(table: Table, returning: str | None = None) -> DriverStatement:
    """`INSERT … [RETURNING column]` on the driver."""
    key = (table.name + "/plain", returning)
    statement = _INSERTS.get(key)
    if statement is None:
        from sqlalchemy import insert

        statement = _INSERTS[key] = DriverStatement(
            lambda _dialect: insert(table).returning(table.c[returning]) if returning else insert(table)
        )
    return statement
