"""The import format, one entry per column: the headings read as it, whether a file must have it, what it is (part
of a row's key, a target's setting or a period's figure), where the store keeps it and the limit of its text.
Validation, the plan, the write, the audit trail, the preview and My targets take their lists from here."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from sqlalchemy import Column

from dashboard.store.models import Area, PeriodValue, Target, ThemeBoard


class Part(StrEnum):
    KEY = "key"
    """Says which row: the target, the period, the area."""
    SETTING = "setting"
    """A target's setting, the same in every period."""
    FIGURE = "figure"
    """One period's figure or text."""


@dataclass(frozen=True)
class FileColumn:
    name: str
    part: Part
    required: bool = False
    aliases: tuple[str, ...] = ()
    """Headings analysts really use, each read as this column. Only names that cannot mean another column: not
    "Indicator" (a code, a name or both) nor "Name" (whose name?)."""
    stored: str | None = None
    """A figure's column in the store's period values, where it differs from the file's name."""
    heading: str | None = None
    """A figure a person enters on My targets: the heading of its column there."""
    text: Column | None = None
    """Free text: the store column that holds it, whose String(n) is its length limit (stated once)."""

    @property
    def store_column(self) -> str:
        return self.stored or self.name


_T, _V = Target.__table__.c, PeriodValue.__table__.c
FORMAT = (
    FileColumn("indicator_code", Part.KEY, True, ("NI", "NI code", "Code"), text=_T.indicator_code),
    FileColumn("indicator_name", Part.SETTING, aliases=("Description",), text=_T.indicator_name),
    FileColumn("theme_board", Part.SETTING, True, ("Theme", "Board"), text=ThemeBoard.__table__.c.name),
    FileColumn("period", Part.KEY, True, ("Quarter", "Reporting period")),
    FileColumn("area", Part.KEY, text=Area.__table__.c.name),
    FileColumn("target_type", Part.SETTING),
    FileColumn("lead_partner", Part.SETTING, aliases=("Lead",), text=_T.lead_partner),
    FileColumn("polarity", Part.SETTING),
    FileColumn("tolerance_pct", Part.SETTING, aliases=("Tolerance",)),
    FileColumn("frequency", Part.SETTING),
    FileColumn("target", Part.FIGURE, aliases=("Target value",), stored="target_value"),
    FileColumn("actual", Part.FIGURE, aliases=("Outturn", "Actual value", "Result"), heading="Actual"),
    FileColumn("rag", Part.FIGURE, aliases=("RAG status", "Status", "RAG rating"), stored="reported_status"),
    FileColumn("commentary", Part.FIGURE, aliases=("Comments", "Comment"), heading="Commentary", text=_V.commentary),
    FileColumn(
        "remedial_action",
        Part.FIGURE,
        aliases=("Action", "Actions"),
        heading="Remedial action",
        text=_V.remedial_action,
    ),
    FileColumn("unit", Part.SETTING, text=_T.unit),
)
"""In the order problems are listed (the required columns first, then the rest in this order)."""

REQUIRED = tuple(c.name for c in FORMAT if c.required)
OPTIONAL = tuple(c.name for c in FORMAT if not c.required)
KNOWN = REQUIRED + OPTIONAL
TARGET_FIELDS = tuple(c.name for c in FORMAT if c.part is Part.SETTING)
VALUE_FIELDS = tuple(c.name for c in FORMAT if c.part is Part.FIGURE)
ALIASES = {c.name: c.aliases for c in FORMAT if c.aliases}
TEXT_COLUMNS = {c.name: c.text for c in FORMAT if c.text is not None}
VALUE_COLUMN = {c.name: c.store_column for c in FORMAT if c.part is Part.FIGURE}
"""A figure's file column → its store column: {'target': 'target_value', 'rag': 'reported_status', …}."""
FILE_COLUMN = {stored: name for name, stored in VALUE_COLUMN.items()}
"""A stored figure → the import file's column, the name users know."""
ENTERED = {c.name: c.heading for c in FORMAT if c.heading}
"""What a person may enter on My targets: the file's column → the table's heading."""


def column_key(name: str) -> str:
    """'Indicator Code ' → 'indicator_code': header names are case- and space-insensitive."""
    return "_".join(str(name).strip().lower().replace("-", " ").replace("_", " ").split())


_ALIAS_FIELD = {column_key(alias): name for name, aliases in ALIASES.items() for alias in aliases}


def field_of(heading: str) -> str:
    """The field a heading is read as: 'RAG Status' → 'rag'; an unknown heading → its column_key."""
    key = column_key(heading)
    return _ALIAS_FIELD.get(key, key)
