"""The import format, one entry per column: the headings read as it, whether a file must have it, what it is (part
of a row's key, a target's setting or a period's figure), where the store keeps it and the limit of its text.
Validation, the plan, the write, the audit trail, the preview and My targets take their lists from here."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

UNLIMITED = None
"""The length of free text the store keeps whole (commentary, a name): no limit but the file's cell limit."""


class Part(StrEnum):
    KEY = "key"
    """Says which row: the target, the period, the area."""
    SETTING = "setting"
    """A target's setting, the same in every period."""
    FIGURE = "figure"
    """One period's figure or text."""
    AREA = "area"
    """The area's own place: the county it is a district of."""


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
    text: bool = False
    """Free text, checked for control characters and for its length."""
    limit: int | None = UNLIMITED
    """The most characters the store holds (free text, or the longest of a column's few words): the store's
    columns take their lengths from here."""

    @property
    def store_column(self) -> str:
        return self.stored or self.name


FORMAT = (
    FileColumn("indicator_code", Part.KEY, True, ("NI", "NI code", "Code"), text=True, limit=100),
    FileColumn("indicator_name", Part.SETTING, aliases=("Description",), text=True),
    FileColumn("theme_board", Part.SETTING, True, ("Theme", "Board"), text=True, limit=200),
    FileColumn("period", Part.KEY, True, ("Quarter", "Reporting period")),
    FileColumn("area", Part.KEY, text=True, limit=200),
    FileColumn("parent_area", Part.AREA, aliases=("County", "Parent area name"), text=True, limit=200),
    FileColumn("target_type", Part.SETTING, limit=100),
    FileColumn("lead_partner", Part.SETTING, aliases=("Lead",), text=True, limit=200),
    FileColumn("polarity", Part.SETTING, limit=20),
    FileColumn("tolerance_pct", Part.SETTING, aliases=("Tolerance",)),
    FileColumn("frequency", Part.SETTING, limit=20),
    FileColumn("target", Part.FIGURE, aliases=("Target value",), stored="target_value"),
    FileColumn("actual", Part.FIGURE, aliases=("Outturn", "Actual value", "Result"), heading="Actual"),
    FileColumn("rag", Part.FIGURE, aliases=("RAG status", "Status", "RAG rating"), stored="reported_status", limit=20),
    FileColumn("commentary", Part.FIGURE, aliases=("Comments", "Comment"), heading="Commentary", text=True),
    FileColumn(
        "remedial_action",
        Part.FIGURE,
        aliases=("Action", "Actions"),
        heading="Remedial action",
        text=True,
    ),
    FileColumn("unit", Part.SETTING, text=True, limit=50),
    FileColumn("measure", Part.SETTING, limit=20),
)
"""In the order problems are listed (the required columns first, then the rest in this order)."""

REQUIRED = tuple(c.name for c in FORMAT if c.required)
OPTIONAL = tuple(c.name for c in FORMAT if not c.required)
KNOWN = REQUIRED + OPTIONAL
TARGET_FIELDS = tuple(c.name for c in FORMAT if c.part is Part.SETTING)
VALUE_FIELDS = tuple(c.name for c in FORMAT if c.part is Part.FIGURE)
ALIASES = {c.name: c.aliases for c in FORMAT if c.aliases}
GROUP_FORMAT = (
    FileColumn("group", Part.KEY, True, ("Comparator group", "Group name"), text=True, limit=200),
    FileColumn("area", Part.KEY, True, ("Area name",), text=True, limit=200),
)
"""A comparator groups file: one row per area in a group (laa groups FILE)."""

TEXT_LIMITS = {c.name: c.limit for c in (*FORMAT, *GROUP_FORMAT) if c.text}
"""Each free-text column → the most characters the store holds (None: no limit)."""
LIMITS = {c.name: c.limit for c in (*FORMAT, *GROUP_FORMAT) if c.limit is not None} | {
    "period_label": 20,
    "file_name": 500,
    "user": 100,
    "who": 200,
    "action": 40,
    "field": 40,
    "role": 20,
    "email": 320,
    "password_hash": 200,
    "sha256": 64,
    "client": 64,
    "notice": 120,
    "annotation": 500,
    "subject": 300,
}
"""The length of every text column of the store, by what it holds: the import file's columns (a choice column
such as polarity holds the longest of its words), then what the system writes: a period's label as
dashboard.domain.periods writes it ('2009/10 Q3'); an upload's file name; a username ("user": who signs in and
signs off); who made a change as an upload and the audit trail record it ("who": a username with room to spare);
an audit event's action and field; a user's role, e-mail and password hash; a SHA-256 in hex (a file's checksum,
a token's or a throttled name's hash); a throttled client's address; what an e-mail told ("notice": a kind, a rule,
a target's id and a period's label), an e-mail's subject, and an annotation's note. The store's columns take their
lengths from here, and every check before a write its limit."""
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
