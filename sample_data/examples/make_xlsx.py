"""Build good_update.xlsx: the workbook an analyst saves from Excel for 2009/10 Q4.

It holds what only a workbook can: a real date cell in the period column (31/03/2010, read as the quarter it
ends, 2009/10 Q4) and cells formatted as percentages (0.102 shown as 10.2%, read as 10.2). Run it from anywhere:

    python sample_data/examples/make_xlsx.py
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from openpyxl import Workbook

HERE = Path(__file__).resolve().parent
HEADER = ["Indicator Code", "Theme Board", "Period", "Target", "Actual", "RAG", "Commentary"]
ROWS = [
    # (code, board, period, (target, format), (actual, format), rag, commentary)
    (
        "NI 117",
        "Children's Trust",
        datetime(2010, 3, 31),
        (0.105, "0.0%"),
        (0.102, "0.0%"),
        None,
        "Provisional March figure from Connexions: back under target.",
    ),
    (
        "NI 59",
        "Children's Trust",
        "2009/10 Q4",
        (0.8, "0%"),
        (0.772, "0.0%"),
        None,
        "Initial assessments within 7 working days: agency social workers now in post.",
    ),
    (
        "NI 188",
        "Better Places",
        "2009/10 Q4",
        (2, "General"),
        (2, "General"),
        "G",
        "Level 2 reached: climate change risk assessment agreed by the board.",
    ),
]


def build(path: Path = HERE / "good_update.xlsx") -> Path:
    book = Workbook()
    sheet = book.active
    sheet.title = "LAA Q4 return"
    sheet.append(HEADER)
    for code, board, period, (target, target_format), (actual, actual_format), rag, commentary in ROWS:
        sheet.append([code, board, period, target, actual, rag, commentary])
        row = sheet.max_row
        sheet.cell(row, 3).number_format = "DD/MM/YYYY" if isinstance(period, datetime) else "General"
        sheet.cell(row, 4).number_format = target_format
        sheet.cell(row, 5).number_format = actual_format
    book.properties.creator = "Haringey performance team"
    book.properties.created = book.properties.modified = datetime(2010, 4, 20, 9, 0)
    book.save(path)
    return path


if __name__ == "__main__":
    print(build())
