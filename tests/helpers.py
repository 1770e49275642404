"""Shared helpers for the importer tests: example files, writing test files, and store snapshots."""

from __future__ import annotations

import csv
import getpass
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import Engine, MetaData, select

from tests.conftest import ROOT, Run, laa

EXAMPLES = ROOT / "sample_data" / "examples"
LOGIN = getpass.getuser()
"""Who the command line records without --as: the login that runs it."""
REJECTED = "rejected: {n} problem(s) in the file; nothing was written.\n"


def example(name: str) -> Path:
    path = EXAMPLES / name
    assert path.is_file(), f"missing example file {path}"
    return path


def write(tmp_path: Path, name: str, text: str, encoding: str = "utf-8") -> Path:
    """A test file written exactly as given (no newline translation)."""
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return path


def rejected(*messages: str) -> str:
    """The exact stderr of `laa import` for a rejected file with these problem messages."""
    return REJECTED.format(n=len(messages)) + "".join(f"  {m}\n" for m in messages)


def import_file(path: Path, *args: str) -> Run:
    return laa("import", str(path), *args)


@dataclass(frozen=True)
class Snapshot:
    tables: bytes
    """Every row of every table (alembic_version included), ordered by primary key, all columns."""
    file: bytes | None
    """SQLite only: the bytes of the database file, with the write-ahead log checkpointed into it."""


def _dispose(engine: Engine) -> None:
    # Closing every pooled connection lets SQLite checkpoint the WAL into the main file and delete it.
    # The command line's own engine is disposed when each command ends.
    engine.dispose()


def table_bytes(engine: Engine) -> bytes:
    meta = MetaData()
    meta.reflect(bind=engine)
    out: list[str] = []
    with engine.connect() as conn:
        for name in sorted(meta.tables):
            table = meta.tables[name]
            order = list(table.primary_key.columns) or list(table.columns)
            out.append(f"== {name} ({', '.join(c.name for c in table.columns)})\n")
            out.extend(f"{tuple(row)!r}\n" for row in conn.execute(select(table).order_by(*order)))
    return "".join(out).encode("utf-8")


def snapshot(engine: Engine) -> Snapshot:
    tables = table_bytes(engine)
    file = None
    if engine.dialect.name == "sqlite":
        _dispose(engine)
        path = Path(engine.url.database)
        assert not Path(f"{path}-wal").exists() or Path(f"{path}-wal").stat().st_size == 0
        file = path.read_bytes()
    return Snapshot(tables, file)


def assert_unchanged(engine: Engine, before: Snapshot) -> None:
    after = snapshot(engine)
    assert after.tables == before.tables
    assert after.file == before.file


def history(code: str) -> list[dict]:
    run = laa("history", code, "--format", "json")
    assert run.code == 0, run.err
    return run.json()["history"]


def current(code: str) -> dict[str, dict]:
    """The current version of each period of one target, by period label."""
    return {h["period"]: h for h in history(code) if h["current"]}


def summary() -> dict:
    run = laa("summary", "--format", "json")
    assert run.code == 0, run.err
    return run.json()


def statuses(status: str) -> dict[str, str]:
    """indicator_code → period of every target at one status (latest), through `laa exceptions`."""
    run = laa("exceptions", "--status", status, "--format", "json")
    assert run.code == 0, run.err
    return {e["indicator_code"]: e["period"] for e in run.json()["exceptions"]}


def exception_rows(status: str) -> dict[str, dict]:
    run = laa("exceptions", "--status", status, "--format", "json")
    assert run.code == 0, run.err
    return {e["indicator_code"]: e for e in run.json()["exceptions"]}


NATIONAL_INDICATORS = 198
NATIONAL_BOARDS = ["Children's Trust", "Wellbeing", "Safer Communities", "Economy", "Environment", "Housing"]
NATIONAL_HEADER = ["area", "indicator_code", "indicator_name", "theme_board", "polarity", "period", "target", "actual"]


def quarter_labels(count: int, first_year: int = 2006) -> list[str]:
    """count financial quarters from Q1 of first_year/next: 2006/07 Q1, 2006/07 Q2, ..."""
    return [f"{first_year + q // 4}/{(first_year + q // 4 + 1) % 100:02d} Q{q % 4 + 1}" for q in range(count)]


def national_file(path: Path, areas: int, quarters: int, actual: Callable[[int], float]) -> int:
    """A multi-area import file: Area 001.. each holding the 198 national indicators (higher is better, target
    100) over `quarters` quarters, the actual of quarter q (from 0) being actual(q). Returns its rows."""
    rows = 0
    with path.open("w", newline="", encoding="utf-8") as f:
        out = csv.writer(f)
        out.writerow(NATIONAL_HEADER)
        for a in range(1, areas + 1):
            for code in range(1, NATIONAL_INDICATORS + 1):
                board = NATIONAL_BOARDS[code % len(NATIONAL_BOARDS)]
                for q, label in enumerate(quarter_labels(quarters)):
                    out.writerow([f"Area {a:03d}", f"NI {code}", f"Indicator {code}", board, "higher_is_better",
                                  label, 100, actual(q)])  # fmt: skip
                    rows += 1
    return rows
