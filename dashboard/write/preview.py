"""What an import would do before it is committed: the rows it changes and the status moves it causes."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import cached_property

import numpy as np
import pandas as pd
from sqlalchemy import Engine

from dashboard.access.permissions import Actor
from dashboard.domain.fileformat import FILE_COLUMN, TARGET_FIELDS, VALUE_COLUMN
from dashboard.domain.output import cell_text
from dashboard.domain.rules import STATUSES, Status, status_label
from dashboard.read.breakdown import status_as_at
from dashboard.read.movement import Move, classify
from dashboard.read.position import Position, latest_reported
from dashboard.settings import Settings
from dashboard.write.importer import ImportOutcome, ImportRejected, import_bytes, import_entry
from dashboard.write.importer.plan import ImportPlan
from dashboard.write.importer.problems import ImportProblem

VALUE_FIELDS = tuple(VALUE_COLUMN.values())
MOVE_COLUMNS = ["indicator_code", "indicator_name", "theme_board", "before", "after", "move"]


class FilePreview:
    """Everything the upload page and `laa import --dry-run` show of a valid file before it is stored, each part
    worked out when it is first asked for (the command line shows only the changes and moves of a big file).
    position_of(area) is the stored position of each area the plan touches."""

    def __init__(self, plan: ImportPlan, position_of: Callable[[str], Position | None]):
        self._plan = plan
        self._position_of = position_of

    @cached_property
    def moves(self) -> pd.DataFrame:
        """moves_in_every_area: the area column is there only when the file holds rows for several areas."""
        moves = moves_in_every_area(self._plan, self._position_of)
        return moves.drop(columns="area") if moves["area"].nunique() <= 1 else moves

    @cached_property
    def changes(self) -> pd.DataFrame:
        return changed_rows(self._plan)

    @cached_property
    def incoming(self) -> pd.DataFrame:
        return incoming_rows(self._plan)

    @cached_property
    def cleared(self) -> pd.DataFrame:
        return cleared(self._plan)

    @property
    def move_sentences(self) -> list[str]:
        return move_sentences(self.moves)

    @property
    def cleared_sentence(self) -> str | None:
        return cleared_sentence(self.cleared)


@dataclass(frozen=True)
class UploadCheck:
    """A file checked against the store: its dry run and preview, or why it cannot be stored."""

    outcome: ImportOutcome | None = None
    preview: FilePreview | None = None
    rejected: ImportRejected | None = None


def check_upload(
    engine: Engine,
    data: bytes,
    file_name: str,
    area: str | None,
    position_of: Callable[[str], Position | None],
    actor: Actor,
    settings: Settings | None = None,
    new_boards: bool = False,
) -> UploadCheck:
    """The dry run of an uploaded file (in a read transaction: it never waits for an import under way), with the
    uploader's permissions; new_boards confirms the file's new boards and moves between boards."""
    try:
        outcome = import_bytes(
            engine, data, file_name, actor, dry_run=True, area=area, settings=settings, new_boards=new_boards
        )
    except ImportRejected as rejected:
        return UploadCheck(rejected=rejected)
    return UploadCheck(outcome, FilePreview(outcome.plan, position_of))


def check_entry(
    engine: Engine,
    data: bytes,
    actor: Actor,
    area: str | None,
    position_of: Callable[[str], Position | None],
    settings: Settings | None = None,
) -> UploadCheck:
    """The dry run of figures entered in the browser, exactly as saving them will check them."""
    try:
        outcome = import_entry(engine, data, actor, dry_run=True, area=area, settings=settings)
    except ImportRejected as rejected:
        return UploadCheck(rejected=rejected)
    return UploadCheck(outcome, FilePreview(outcome.plan, position_of))


def moves_in_every_area(plan: ImportPlan, position_of: Callable[[str], Position | None]) -> pd.DataFrame:
    """status_moves for each area the file holds rows for, each against that area's stored position
    (position_of(area), None for an area not stored yet), with an area column, in the file's order of areas."""
    areas = plan.values["area"].drop_duplicates().tolist() if len(plan.values) else []
    frames = [status_moves(plan, position_of(area), area).assign(area=area) for area in areas]
    return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=["area", *MOVE_COLUMNS])


def status_moves(plan: ImportPlan, position: Position | None, area: str | None = None) -> pd.DataFrame:
    """Each target of one area (the position's, else area, else the file's first) whose latest status the file
    would change (before is None for a target the file creates).

    Set-based throughout (no per-row frame edits), so a file of 20,000 new targets is previewed in a
    fraction of the import's own time (benchmarks/preview_scale.py)."""
    if plan.values.empty:
        return pd.DataFrame(columns=MOVE_COLUMNS)
    area = position.area if position is not None else area or plan.values["area"].iloc[0]
    plan_targets = plan.targets[plan.targets["area"] == area]
    plan_values = plan.values[plan.values["area"] == area]
    targets, values = _current(position)

    # Targets the file creates get ids that cannot clash with stored ones.
    is_new = ~plan_targets["indicator_code"].isin(targets["indicator_code"])
    new_codes = plan_targets.loc[is_new, "indicator_code"].drop_duplicates()
    new_ids = pd.Series(-np.arange(1, len(new_codes) + 1, dtype="int64"), index=new_codes.to_numpy())
    stored_ids = pd.Series(targets["target_id"].to_numpy(), index=targets["indicator_code"].to_numpy())
    ids = pd.concat([stored_ids, new_ids]) if len(targets) else new_ids

    after_targets = _after_targets(targets, plan_targets[~is_new], plan_targets[is_new], new_ids, area)

    incoming = plan_values.assign(target_id=plan_values["indicator_code"].map(ids))[
        ["target_id", "period_end", "period_label", *VALUE_FIELDS]
    ]
    kept = values[~_keys(values).isin(_keys(incoming))]
    after_values = pd.concat([kept, incoming], ignore_index=True) if len(kept) else incoming.reset_index(drop=True)

    # Each side as at its latest quarter reported, as the pages open: targets set ahead move no status.
    before = (
        status_as_at(targets, values, _reported_end(values)).set_index("target_id")["status"]
        if len(targets)
        else pd.Series()
    )
    after = status_as_at(after_targets, after_values, _reported_end(after_values))
    after = after[after["target_id"].isin(incoming["target_id"]) | after["target_id"].isin(new_ids)]
    out = after.assign(before=after["target_id"].map(before), after=after["status"])
    out = out[out["before"].isna() | (out["before"] != out["after"])]
    out["move"] = _moves(out["before"], out["after"])
    out["before"] = out["before"].astype(object).where(out["before"].notna(), None)
    return out[MOVE_COLUMNS].reset_index(drop=True)


def _reported_end(values: pd.DataFrame):
    latest = latest_reported(values)
    return None if latest is None else latest.end


def _after_targets(
    targets: pd.DataFrame, changed: pd.DataFrame, created: pd.DataFrame, new_ids: pd.Series, area: str
) -> pd.DataFrame:
    """The stored targets with the file's settings, then the targets the file creates (in the file's order).

    Each setting keeps the stored column's dtype where the file's values fit it, as cell-by-cell edits would."""
    fields = list(TARGET_FIELDS)
    after = targets.set_index("indicator_code")
    if len(changed):
        settings = changed.drop_duplicates("indicator_code", keep="last").set_index("indicator_code")
        rows = after.index.get_indexer(settings.index)
        for field in fields:
            column = after[field].to_numpy(dtype=object, copy=True)
            column[rows] = settings[field].to_numpy(dtype=object)
            after[field] = _as(column, after.index, after[field].dtype)
    if len(created):
        first = created.drop_duplicates("indicator_code", keep="first")["indicator_code"].to_numpy()
        new = created.drop_duplicates("indicator_code", keep="last").set_index("indicator_code").loc[first, fields]
        new = new.assign(target_id=new_ids.loc[new.index].to_numpy(), area=area)
        dtypes = after.dtypes
        after = pd.concat([after, new]) if len(after) else new.reindex(columns=after.columns)
        for field in fields:
            after[field] = _as(after[field].to_numpy(dtype=object), after.index, dtypes[field])
    after.index.name = "indicator_code"
    return after.reset_index()


def _as(column: np.ndarray, index: pd.Index, dtype) -> pd.Series:
    """column as a Series in dtype when its values fit it, else as objects."""
    series = pd.Series(column, index=index, dtype=object)
    try:
        return series.astype(dtype)
    except (TypeError, ValueError):
        return series


def _keys(frame: pd.DataFrame) -> pd.MultiIndex:
    """(target_id, period_end) of each row, comparable across frames (ids as Int64 whatever the frame held)."""
    return pd.MultiIndex.from_arrays([frame["target_id"].astype("Int64"), frame["period_end"].to_numpy(dtype=object)])


def _moves(before: pd.Series, after: pd.Series) -> list[str]:
    """'new target' where there is no before, else the move classify names (once per distinct pair)."""
    named: dict[tuple, str] = {}
    out = []
    for b, a in zip(before, after, strict=True):
        if pd.isna(b):
            out.append("new target")
            continue
        if (b, a) not in named:
            named[(b, a)] = classify(b, a).value
        out.append(named[(b, a)])
    return out


# How each move of a stored target is said; every target is counted in exactly one sentence.
MOVE_SENTENCES = {
    Move.NEWLY_RED: ("turns ✖ red", "turn ✖ red"),
    Move.RECOVERED: ("recovers from ✖ red", "recover from ✖ red"),
    Move.WORSENED: ("slips from ✔ green to ▲ amber", "slip from ✔ green to ▲ amber"),
    Move.IMPROVED: ("improves from ▲ amber to ✔ green", "improve from ▲ amber to ✔ green"),
    Move.NOW_AWAITED: ("becomes … data awaited", "become … data awaited"),
    Move.DATA_ARRIVED: ("is no longer … data awaited", "are no longer … data awaited"),
}


def move_sentences(moves: pd.DataFrame) -> list[str]:
    """'3 targets turn ✖ red', '1 target recovers from ✖ red (to ✔ green)', '2 new targets: 1 ✖ red, 1 ✔ green'.

    Each target the file moves is counted once."""
    sentences = []
    existing = moves[moves["before"].notna()]
    for move, (one, many) in MOVE_SENTENCES.items():
        rows = existing[existing["move"] == move.value]
        if len(rows):
            verb = one if len(rows) == 1 else many
            sentences.append(f"{_targets(len(rows))} {verb}{_to(rows) if move in _SAYS_WHERE_TO else ''}")
    created = moves[moves["before"].isna()]
    if len(created):
        sentences.append(f"{len(created)} new {'target' if len(created) == 1 else 'targets'}: {_mix(created)}")
    return sentences


_SAYS_WHERE_TO = (Move.RECOVERED, Move.DATA_ARRIVED)


def _to(rows: pd.DataFrame) -> str:
    after = rows["after"].unique()
    if len(after) > 1:
        return f" (to {_mix(rows)})"
    status = Status(after[0])
    return f" (to {status_label(status)})"


def _mix(rows: pd.DataFrame) -> str:
    """'1 ✖ red, 2 ✔ green': how many rows reach each status."""
    return ", ".join(
        f"{int((rows['after'] == s.value).sum())} {status_label(s)}"
        for s in STATUSES
        if (rows["after"] == s.value).any()
    )


FIGURE_NAMES = {stored: name.replace("_", " ") for stored, name in FILE_COLUMN.items()}
"""A stored figure → its name in a sentence: 'remedial action'."""


def incoming_rows(plan: ImportPlan) -> pd.DataFrame:
    """Every row the file stores (new or changed), with the figures it brings: what the analyst checks."""
    columns = ["indicator_code", "period", "change", *FIGURE_NAMES.values()]
    if plan.values.empty:
        return pd.DataFrame(columns=columns)
    rows = plan.values[plan.values["kind"] != "unchanged"]
    out = pd.DataFrame(
        {
            "indicator_code": rows["indicator_code"],
            "period": rows["period_label"],
            "change": ["new" if k == "new" else "changes" for k in rows["kind"]],
            **{name: [cell_text(v) for v in rows[field]] for field, name in FIGURE_NAMES.items()},
        }
    )
    return out.reset_index(drop=True)


def cleared(plan: ImportPlan) -> pd.DataFrame:
    """Stored figures and settings the file empties (an empty cell in a present column clears the field)."""
    columns = ["indicator_code", "period", "field", "before"]
    found = []
    values = plan.values[plan.values["kind"] == "changed"] if len(plan.values) else plan.values
    for r in values.to_dict("records"):
        for field, name in FIGURE_NAMES.items():
            if cell_text(r.get(f"stored_{field}")) and not cell_text(r.get(field)):
                found.append([r["indicator_code"], r["period_label"], name, cell_text(r.get(f"stored_{field}"))])
    targets = plan.targets[plan.targets["kind"] == "changed"] if len(plan.targets) else plan.targets
    for r in targets.to_dict("records"):
        for field in TARGET_FIELDS:
            if cell_text(r.get(f"stored_{field}")) and not cell_text(r.get(field)):
                found.append([r["indicator_code"], "", field.replace("_", " "), cell_text(r.get(f"stored_{field}"))])
    return pd.DataFrame(found, columns=columns)


def cleared_sentence(found: pd.DataFrame) -> str | None:
    """'clears the target and actual of 3 targets; the commentary of 1 target', or None when nothing is cleared."""
    if found.empty:
        return None
    fields = found.groupby("indicator_code", sort=False)["field"].agg(lambda f: tuple(dict.fromkeys(f)))
    parts = []
    for names, codes in fields.groupby(fields, sort=False):
        listed = names[0] if len(names) == 1 else f"{', '.join(names[:-1])} and {names[-1]}"
        parts.append(f"the {listed} of {_targets(len(codes))}")
    return "clears " + "; ".join(parts)


def changed_rows(plan: ImportPlan) -> pd.DataFrame:
    """The stored rows the file would replace: each changed figure as before → after.

    Column by column: a field is compared as text (cell_text) only where its values are not plainly equal."""
    columns = ["indicator_code", "period", "field", "before", "after"]
    if plan.values.empty:
        return pd.DataFrame(columns=columns)
    changed = plan.values[plan.values["kind"] == "changed"]
    codes = changed["indicator_code"].to_numpy(dtype=object)
    periods = changed["period_label"].to_numpy(dtype=object)
    parts = []
    for order, field in enumerate(VALUE_FIELDS):
        before, after = _column(changed, f"stored_{field}"), _column(changed, field)
        rows = np.flatnonzero(~_plainly_same(before, after))
        before_text = np.array([cell_text(v) for v in before.to_numpy(dtype=object)[rows]], dtype=object)
        after_text = np.array([cell_text(v) for v in after.to_numpy(dtype=object)[rows]], dtype=object)
        differs = (before_text != after_text).astype(bool) if len(rows) else np.zeros(0, dtype=bool)
        rows = rows[differs]
        parts.append(
            pd.DataFrame(
                {
                    "row": rows,
                    "order": order,
                    "indicator_code": codes[rows],
                    "period": periods[rows],
                    "field": field.replace("_", " ").replace("reported status", "rag"),
                    "before": before_text[differs],
                    "after": after_text[differs],
                }
            )
        )
    found = pd.concat(parts, ignore_index=True).sort_values(["row", "order"], kind="stable")
    return pd.DataFrame({c: found[c].to_numpy(dtype=object) for c in columns}, columns=columns)


def _column(frame: pd.DataFrame, name: str) -> pd.Series:
    """frame[name], or all missing when the plan has no such column (as dict.get would give)."""
    return frame[name] if name in frame.columns else pd.Series(None, index=frame.index, dtype=object)


# Columns whose values are all numbers or all text: equal values there are written alike by cell_text.
_PLAIN_KINDS = {"floating", "integer", "mixed-integer-float", "string", "empty"}


def _plainly_same(before: pd.Series, after: pd.Series) -> np.ndarray:
    """True where both are missing, or equal numbers or equal text; False means: compare as text."""
    both_missing = (before.isna() & after.isna()).to_numpy()
    kinds = {pd.api.types.infer_dtype(before, skipna=True), pd.api.types.infer_dtype(after, skipna=True)}
    if not kinds <= _PLAIN_KINDS or ("string" in kinds and len(kinds - {"empty"}) > 1):
        return both_missing
    equal = np.asarray(before.to_numpy(dtype=object) == after.to_numpy(dtype=object), dtype=bool)
    return both_missing | equal


def _current(position: Position | None) -> tuple[pd.DataFrame, pd.DataFrame]:
    if position is not None:
        return position.targets.copy(), position.values.copy()
    targets = pd.DataFrame(
        columns=["target_id", "area", "indicator_code", *TARGET_FIELDS, "board_position", "position"]
    )
    values = pd.DataFrame(columns=["target_id", "period_end", "period_label", *VALUE_FIELDS])
    return targets, values


def _targets(n: int) -> str:
    return f"{n} target" if n == 1 else f"{n} targets"


def problems_table(problems: list[ImportProblem]) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "Line": [p.line for p in problems],
            "Column": [p.column or "" for p in problems],
            "Value": [p.value if p.value is not None else "" for p in problems],
            "Problem": [p.problem for p in problems],
            "How to fix": [p.fix for p in problems],
        }
    ).astype({"Line": "Int64"})
