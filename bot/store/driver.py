"""The statements run for every resident message, sent straight to the database driver.

SQLAlchemy spends 60–140 µs of CPU getting a prebuilt statement to the driver and its rows back (its
execution context, parameter and result processing); the driver itself needs 5–20 µs for these
one-row statements. A worker runs about twenty of them per message, so they are compiled once per
dialect here and handed to the driver's cursor on the unit's own connection (same transaction).
Each parameter and result column still goes through its column type's conversion, as SQLAlchemy
would do it (sealing personal data, SQLite's dates). An IN list must be written in the statement («status IN ('queued', 'sending')»),
not given at each call.
Errors are the driver's own (sqlite3, psycopg), raised as they come."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable

from sqlalchemy.engine import Connection, Dialect
from sqlalchemy.orm import Session


@dataclass(frozen=True)
class Compiled:
    sql: str
    params: Callable[[dict], Any]  # the caller's values → the driver's parameters (list or dict)
    results: tuple[Callable[[Any], Any] | None, ...]  # per result column: its type's conversion, if any


class Hot:
    """A prebuilt statement run through the driver; compiled on first use for each dialect."""

    def __init__(self, statement):
        self.statement = statement
        self._compiled: dict[str, Compiled] = {}

    def for_dialect(self, dialect: Dialect) -> Compiled:
        """The SQL text and parameter conversion for this dialect (for a caller holding a driver connection)."""
        return self._for(dialect)

    def _for(self, dialect: Dialect) -> Compiled:
        compiled = self._compiled.get(dialect.name)
        if compiled is None:
            compiled = self._compiled[dialect.name] = self._compile(dialect)
        return compiled

    def _compile(self, dialect: Dialect) -> Compiled:
        compiled = self.statement.compile(dialect=dialect)
        binds, sql = compiled.binds, str(compiled)
        if dialect.paramstyle not in ("qmark", "pyformat"):
            raise ValueError(f"parameter style {dialect.paramstyle} is not handled")
        if compiled.positional:
            named = [(name, binds[name]) for name in compiled.positiontup]
        else:  # each bind once, by the name it has in the SQL text
            named = [(name, bind) for bind, name in compiled.bind_names.items()]
        convert = []  # (driver parameter name, conversion, bind, index in a literal IN list or None)
        for name, bind in named:
            if not bind.expanding:
                convert.append((name, bind.type.dialect_impl(dialect).bind_processor(dialect), bind, None))
                continue
            if bind.value is None:  # the caller's own list: its length varies, so it cannot be compiled once
                raise ValueError(f"{name}: an IN list given at each call cannot be compiled once")
            items = range(len(bind.value))  # a literal IN list («status IN ('queued', 'sending')»): one each
            marks = ["?"] * len(items) if compiled.positional else [f"%({name}_{i})s" for i in items]
            sql = sql.replace(f"__[POSTCOMPILE_{name}]", ", ".join(marks), 1)
            processor = bind.type.dialect_impl(dialect).bind_processor(dialect)
            convert += [(f"{name}_{i}", processor, bind, i) for i in items]

        def value(values: dict, processor, bind, index):
            if index is not None:
                raw = bind.value[index]
            else:
                raw = values[bind.key] if bind.key in values else bind.effective_value  # a literal (LIKE's prefix)
            return processor(raw) if processor is not None and raw is not None else raw

        if compiled.positional:
            params = lambda values: [value(values, f, b, i) for _n, f, b, i in convert]  # noqa: E731
        else:
            params = lambda values: {n: value(values, f, b, i) for n, f, b, i in convert}  # noqa: E731
        columns = getattr(self.statement, "exported_columns", ())
        results = tuple(column.type.dialect_impl(dialect).result_processor(dialect, None) for column in columns)
        return Compiled(sql, params, results)

    def cursor(self, where: Session | Connection, values: dict):
        """Run it on the session's (or connection's) connection and return the driver's cursor."""
        connection = where.connection() if isinstance(where, Session) else where
        compiled = self._for(connection.dialect)
        cursor = connection.connection.driver_connection.cursor()
        parameters = compiled.params(values)
        for listener in connection.dispatch.before_cursor_execute:  # tests that count or explain statements
            listener(connection, cursor, compiled.sql, parameters, None, False)
        cursor.execute(compiled.sql, parameters)
        return cursor

    def rowcount(self, where: Session | Connection, values: dict) -> int:
        cursor = self.cursor(where, values)
        try:
            return cursor.rowcount
        finally:
            cursor.close()

    def first(self, where: Session | Connection, values: dict) -> tuple | None:
        """The first row, each column converted, or None."""
        connection = where.connection() if isinstance(where, Session) else where
        compiled = self._for(connection.dialect)
        cursor = self.cursor(connection, values)
        try:
            row = cursor.fetchone()
        finally:
            cursor.close()
        if row is None:
            return None
        return tuple(f(v) if f is not None and v is not None else v for f, v in zip(compiled.results, row))

    def rows(self, where: Session | Connection, values: dict) -> list[tuple]:
        """Every row, each column converted."""
        connection = where.connection() if isinstance(where, Session) else where
        results = self._for(connection.dialect).results
        cursor = self.cursor(connection, values)
        try:
            rows = cursor.fetchall()
        finally:
            cursor.close()
        return [tuple(f(v) if f is not None and v is not None else v for f, v in zip(results, row)) for row in rows]

    def scalar(self, where: Session | Connection, values: dict):
        row = self.first(where, values)
        return None if row is None else row[0]

    def column(self, where: Session | Connection, values: dict) -> list:
        """The first column of every row, converted."""
        connection = where.connection() if isinstance(where, Session) else where
        convert = self._for(connection.dialect).results[0]
        cursor = self.cursor(connection, values)
        try:
            rows = cursor.fetchall()
        finally:
            cursor.close()
        return [convert(r[0]) if convert is not None and r[0] is not None else r[0] for r in rows]
