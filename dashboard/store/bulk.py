"""Many rows into one table at database speed: the driver's own executemany (SQLite) or COPY (PostgreSQL), with
tuples, never SQLAlchemy's per-row parameter dicts (half an import's time at a million rows)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from sqlalchemy import JSON, Connection, Table


def insert_columns(conn: Connection, table: Table, columns: dict[str, Sequence]) -> None:
    """Insert the rows these columns hold (column name → its values as Python values, None for NULL; a value that
    is not a sequence is every row's), in the connection's transaction."""
    count = max((len(v) for v in columns.values() if _is_column(v)), default=0)
    if not count:
        return
    names = ", ".join(columns)
    # The column types' own conversions (a date as SQLite's ISO text, a boolean as 1, JSON as its text), each
    # distinct value once.
    lists = [_converted(conn, table, name, v if _is_column(v) else [v] * count) for name, v in columns.items()]
    rows = zip(*lists, strict=True)
    if conn.dialect.name == "postgresql":
        cursor = conn.connection.driver_connection.cursor()
        with cursor.copy(f"COPY {table.name} ({names}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)
        return
    cursor = conn.connection.cursor()
    try:
        cursor.executemany(f"INSERT INTO {table.name} ({names}) VALUES ({', '.join('?' * len(lists))})", rows)
    finally:
        cursor.close()


def update_by_id(conn: Connection, table: Table, values: dict[str, object], ids: Iterable[int]) -> None:
    """Set the same values on every row whose id is in ids."""
    names = list(values)
    settings = tuple(_converted(conn, table, name, [value])[0] for name, value in values.items())
    mark = "%s" if conn.dialect.name == "postgresql" else "?"
    assignments = ", ".join(f"{name} = {mark}" for name in names)
    cursor = conn.connection.cursor()
    try:
        statement = f"UPDATE {table.name} SET {assignments} WHERE id = {mark}"
        cursor.executemany(statement, [(*settings, int(i)) for i in ids])
    finally:
        cursor.close()


def _is_column(values: object) -> bool:
    return isinstance(values, list | tuple)


def _converted(conn: Connection, table: Table, name: str, values: Sequence) -> Sequence:
    convert = table.c[name].type.dialect_impl(conn.dialect).bind_processor(conn.dialect)
    if convert is None:
        return values
    # None is converted too: a JSON column stores it as JSON null, as SQLAlchemy's own insert does.
    if isinstance(table.c[name].type, JSON):  # documents: each one converted
        return [convert(v) for v in values]
    done: dict = {}
    return [done[v] if v in done else done.setdefault(v, convert(v)) for v in values]


def insert_records(conn: Connection, table: Table, records: list[dict]) -> None:
    """insert_columns of rows given as dicts, every one with the same keys."""
    if records:
        insert_columns(conn, table, {name: [r[name] for r in records] for name in records[0]})
