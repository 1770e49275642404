"""What is wrong with an import file, said so an analyst can fix it."""

from __future__ import annotations

from dataclasses import asdict, dataclass


@dataclass(frozen=True)
class ImportProblem:
    line: int | None
    """The file line (CSV) or sheet row (Excel); None when the problem is the whole file."""
    column: str | None
    value: str | None
    problem: str
    fix: str
    heading: str | None = None
    """The file's heading for column when it is an alias ('RAG Status' for rag); None when it is the name."""

    def message(self) -> str:
        where = []
        if self.line is not None:
            where.append(f"line {self.line}")
        if self.column is not None:
            where.append(f"column {self.column} ({self.heading})" if self.heading else f"column {self.column}")
        if self.value is not None:
            where.append(f"value {self.value!r}")
        place = ", ".join(where)
        return f"{place}: {self.problem}. Fix: {self.fix}." if place else f"{self.problem}. Fix: {self.fix}."

    def as_dict(self) -> dict:
        return asdict(self)


class ImportRejected(Exception):
    """The file has problems; nothing was written."""

    def __init__(self, problems: list[ImportProblem], warnings: list[ImportProblem] | None = None):
        self.problems = problems
        self.warnings = warnings or []
        super().__init__(f"{len(problems)} problem(s) in the file; nothing was written")
