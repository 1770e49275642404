"""The quarterly import: read → validate → compare with the store → write, all in one transaction."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, select

from dashboard.access.permissions import Action, Actor, entry_action, require
from dashboard.domain.periods import YearWindow
from dashboard.settings import Settings
from dashboard.store.audit import BROWSER
from dashboard.store.engine import reading, writing
from dashboard.store.models import UploadBatch
from dashboard.store.schema import require_ready
from dashboard.write.importer.gate import board_changes, refusals
from dashboard.write.importer.plan import ImportPlan, make_plan
from dashboard.write.importer.problems import ImportProblem, ImportRejected
from dashboard.write.importer.read import RawTable, read_table
from dashboard.write.importer.validate import file_name_problem, parse_table, renamed_columns
from dashboard.write.importer.write import RollbackRefused, rollback_batch, rollback_plan, write_plan

__all__ = [
    "ImportOutcome",
    "ImportPlan",
    "ImportProblem",
    "ImportRejected",
    "RollbackRefused",
    "already_loaded",
    "file_checksum",
    "import_bytes",
    "import_entry",
    "import_figures",
    "import_file",
    "renamed_columns",
    "rollback",
]


@dataclass
class ImportOutcome:
    plan: ImportPlan
    batch_id: int | None
    """None when nothing was written: a dry run, or a file that matches what is stored."""
    dry_run: bool

    def summary(self) -> dict:
        return {
            **self.plan.summary(),
            "batch": self.batch_id,
            "dry_run": self.dry_run,
            "warnings": [w.message() for w in self.plan.warnings],
            "columns_read_as": dict(renamed_columns(self.plan.headings)),
            "sheet": self.plan.sheet,
            "board_changes": [change.sentence() for change in self.plan.board_changes],
            "districts": [placement.sentence() for placement in self.plan.districts],
        }


def import_figures(
    engine: Engine,
    source: bytes | Path,
    actor: Actor,
    *,
    file_name: str | None = None,
    entered: bool = False,
    dry_run: bool = False,
    area: str | None = None,
    settings: Settings | None = None,
    new_boards: bool = False,
) -> ImportOutcome:
    """Import one file as the actor (recorded as the uploader): its bytes, or its path (read in chunks, so a file
    of millions of rows is never held whole). Raises ImportRejected with every problem, having written nothing,
    and PermissionDenied for a role that may not upload at all.

    entered: figures entered in the browser, recorded as entered by the actor, asking the permission to enter
    them (a chair's commentary and remedial action only). settings are the entry point's (the default area, the
    year window); without them, the defaults. The gate (gate.refusals) decides what the actor may change: a
    partner's file changes only the figures of the targets it leads. new_boards confirms the file's new boards and
    moves between boards."""
    require_ready(engine)
    checksum = path_checksum(source) if isinstance(source, Path) else file_checksum(source)
    read_as = file_name or (source.name if isinstance(source, Path) else "file.csv")
    action, recorded = Action.UPLOAD, read_as
    if entered:
        action, read_as, recorded = entry_action(actor), "entry.csv", f"{BROWSER}{actor.name}"
    table = read_table(source, read_as)
    return _import(engine, table, checksum, recorded, actor, dry_run, area, settings, new_boards, action)


def import_bytes(engine: Engine, data: bytes, file_name: str, actor: Actor, **options: Any) -> ImportOutcome:
    """import_figures of an uploaded file's bytes."""
    return import_figures(engine, data, actor, file_name=file_name, **options)


def import_file(engine: Engine, path: Path, actor: Actor, **options: Any) -> ImportOutcome:
    """import_figures of a file on disk (the command line's)."""
    return import_figures(engine, path, actor, **options)


def import_entry(engine: Engine, data: bytes, actor: Actor, **options: Any) -> ImportOutcome:
    """import_figures of what was entered in the browser (as an import file's bytes): the same validation,
    permissions, versions and batch as an upload."""
    return import_figures(engine, data, actor, entered=True, **options)


def _import(
    engine: Engine,
    table: RawTable,
    checksum: str,
    file_name: str,
    actor: Actor,
    dry_run: bool,
    area: str | None,
    settings: Settings | None,
    new_boards: bool = False,
    action: Action = Action.UPLOAD,
) -> ImportOutcome:
    require(actor, action)
    if too_long := file_name_problem(file_name):  # the batch records the name, whatever the file holds
        raise ImportRejected([too_long])
    settings = settings or Settings.model_construct()  # no entry point's settings: the defaults, not the environment
    parsed, sheet = parse_table(table, YearWindow.of_settings(settings)), table.sheet
    del table  # the typed rows are all that is needed now: the raw cells are freed before the plan is made
    # A dry run only reads, so it never waits for an import under way. A real import makes its plan under the
    # write lock, so two uploads at once cannot both create the same board.
    with (reading if dry_run else writing)(engine) as conn:
        plan = make_plan(conn, parsed, file_name, checksum, area, settings.default_area)
        plan.sheet = sheet
        if not plan.problems:  # the one gate: who may change what, sign-off, new boards, of a sound file
            plan.problems = refusals(conn, actor, plan, new_boards=new_boards)
            plan.board_changes = board_changes(conn, plan)
        if plan.problems:
            raise ImportRejected(plan.problems, plan.warnings)
        if dry_run or not plan.has_changes:
            conn.rollback()
            return ImportOutcome(plan, None, dry_run)
        batch_id = write_plan(conn, plan, actor.name)
    return ImportOutcome(plan, batch_id, dry_run)


def file_checksum(data: bytes) -> str:
    """The file's SHA-256: the same bytes are the same upload."""
    return hashlib.sha256(data).hexdigest()


def path_checksum(path: Path) -> str:
    """file_checksum of a file on disk, hashed as it is read in 1 MiB pieces."""
    digest = hashlib.sha256()
    with path.open("rb") as stream:
        while block := stream.read(1 << 20):
            digest.update(block)
    return digest.hexdigest()


def already_loaded(engine: Engine, data: bytes) -> bool:
    """True when a batch with these exact bytes is stored and not rolled back."""
    require_ready(engine)
    checksum = file_checksum(data)
    with engine.connect() as conn:
        found = conn.scalar(
            select(UploadBatch.id).where(UploadBatch.checksum == checksum, UploadBatch.rolled_back_at.is_(None))
        )
    return found is not None


def rollback(engine: Engine, batch_id: int, actor: Actor) -> dict:
    """Undo one upload batch (an analyst's or administrator's action), recorded as the actor's. Raises
    RollbackRefused saying why not: the gate refuses a rollback that would change a signed-off quarter too."""
    require(actor, Action.ROLL_BACK)
    with writing(engine) as conn:
        plan = rollback_plan(conn, batch_id)
        if problems := refusals(conn, actor, plan):
            raise RollbackRefused(f"batch {batch_id} cannot be rolled back: " + "; ".join(p.problem for p in problems))
        return rollback_batch(conn, batch_id, actor.name, plan)
