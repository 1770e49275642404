"""Comparator groups: an analyst's file of `group, area` rows sets each group it names to exactly those areas
(statistical nearest neighbours, a region, a family of similar areas), so a benchmark can be taken within one."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass

from sqlalchemy import Engine, delete, insert, select

from dashboard.access.permissions import Action, Actor, require
from dashboard.domain.fileformat import GROUP_FORMAT, column_key
from dashboard.domain.names import find_name, name_key, tidy
from dashboard.store.audit import record
from dashboard.store.engine import writing
from dashboard.store.models import Area, ComparatorArea
from dashboard.store.schema import require_ready
from dashboard.write.importer.problems import ImportProblem, ImportRejected
from dashboard.write.importer.validate import shown_value, text_problem

MAX_BYTES = 5_000_000
"""A groups file larger than this is refused unread: 400 areas in a hundred groups is under 2 MB."""
COLUMNS = tuple(c.name for c in GROUP_FORMAT)
HEADINGS = {column_key(h): c.name for c in GROUP_FORMAT for h in (c.name, *c.aliases)}
"""Each heading read as a column of the groups file: 'Comparator group' → group."""


@dataclass(frozen=True)
class GroupsSet:
    groups: dict[str, list[str]]
    """Each group the file named → its areas, as stored."""


def set_groups(engine: Engine, data: bytes, actor: Actor, file_name: str) -> GroupsSet:
    """Each group the file names becomes exactly the areas it lists there (audited), under the name it is held by
    if it is held (names match as everywhere); groups it does not name stay as they are. Any problem (an unknown
    area, a blank or over-long name) refuses the whole file."""
    require(actor, Action.SET_GROUPS)
    require_ready(engine)
    rows, problems = _rows(data)
    with writing(engine, figures=False) as conn:
        areas = {name: area_id for area_id, name in conn.execute(select(Area.id, Area.name))}
        stored = list(conn.scalars(select(ComparatorArea.group_name).distinct()))
        groups: dict[str, list[str]] = {}
        for line, group, area in rows:
            found = find_name(areas, area)
            if found is None:
                fix = "import the area's figures first, or correct the name (`laa areas` lists the areas held)"
                problems.append(ImportProblem(line, "area", area, "no area of that name is held", fix))
                continue
            named = groups.setdefault(find_name(groups, group) or find_name(stored, group) or group, [])
            if found not in named:
                named.append(found)
        if problems:
            raise ImportRejected(sorted(problems, key=lambda p: (p.line or 0, COLUMNS.index(p.column or "area"))))
        for group, members in groups.items():
            keys = [g for g in stored if name_key(g) == name_key(group)]
            conn.execute(delete(ComparatorArea).where(ComparatorArea.group_name.in_([group, *keys])))
            conn.execute(insert(ComparatorArea), [{"group_name": group, "area_id": areas[a]} for a in members])
            detail = f"{file_name}: {len(members)} areas: {', '.join(members)}"
            record(conn, actor.name, "set comparator group", field="group", new=group, detail=detail)
    return GroupsSet(groups)


def _rows(data: bytes) -> tuple[list[tuple[int, str, str]], list[ImportProblem]]:
    """(line, group, area) of each row with something in it, and the problems of its cells; refuses a file that
    cannot be read as a groups file at all."""
    if len(data) > MAX_BYTES:
        fix = f"split it into files under {MAX_BYTES // 1_000_000} MB"
        raise ImportRejected([ImportProblem(None, None, None, "the file is too large for a groups file", fix)])
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        fix = "save it as CSV UTF-8 (in Excel: Save As, CSV UTF-8)"
        raise ImportRejected([ImportProblem(None, None, None, "the file is not UTF-8 text", fix)]) from None
    lines = list(csv.reader(io.StringIO(text)))
    header = [HEADINGS.get(column_key(h), column_key(h)) for h in lines[0]] if lines else []
    missing = [c for c in COLUMNS if c not in header]
    if missing:
        fix = "a header row of group,area, then one row per area in a group"
        raise ImportRejected([ImportProblem(1, c, None, f"the file has no {c} column", fix) for c in missing])
    at = {c: header.index(c) for c in COLUMNS}
    rows, problems = [], []
    for line, cells in enumerate(lines[1:], start=2):
        if not any(cell.strip() for cell in cells):
            continue
        values = {c: tidy(cells[i]) if i < len(cells) else "" for c, i in at.items()}
        found = [
            (c, v, ("the cell is empty", f"fill in the {c}") if not v else text_problem(c, v))
            for c, v in values.items()
        ]
        wrong = [ImportProblem(line, c, shown_value(v) if v else None, *problem) for c, v, problem in found if problem]
        problems += wrong
        if not wrong:  # a row whose cells are wrong is not looked up as well
            rows.append((line, values["group"], values["area"]))
    if not rows and not problems:
        fix = "add a row per area in a group: group,area"
        raise ImportRejected([ImportProblem(None, None, None, "the file has no rows", fix)])
    return rows, problems
