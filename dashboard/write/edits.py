"""What a person changed in one of the browser's tables (My targets, Indicators, Targets for the year), written as
the import file the one write path reads: the same gate, preview and audit as an upload."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass

from dashboard.domain.missing import missing


@dataclass(frozen=True)
class Edits:
    """The changed rows as an import file, and which target each line of that file is."""

    data: bytes
    codes: dict[int, str]
    """File line → indicator code, so a problem names the target rather than a line nobody sees."""

    @property
    def count(self) -> int:
        return len(self.codes)


def edits_file(header: list[str], rows: list[list[str]]) -> Edits | None:
    """The rows (each beginning with its target's code) under the header, as a UTF-8 CSV; None for no rows."""
    if not rows:
        return None
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    return Edits(out.getvalue().encode("utf-8"), {line: str(row[0]) for line, row in enumerate(rows, start=2)})


def file_cell(value: object) -> str:
    """A cell as the import file writes it: a number exactly (repr keeps every digit), text with its spaces
    trimmed, empty for nothing."""
    if missing(value):
        return ""
    if isinstance(value, float):  # numpy's floats too, whose repr names their type
        value = float(value)
        return repr(int(value)) if value.is_integer() else repr(value)
    return str(value).strip()
