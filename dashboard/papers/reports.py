"""The board paper a theme board chair takes to the meeting: the targets shown on screen, as PDF, Excel or CSV.

`board_paper` gathers what the paper says (paper.py); `paper_pdf` (pdf.py, with fonts.py), `paper_xlsx` and
`paper_csv` (tables.py) render it as bytes. Nothing here imports streamlit."""

from dashboard.papers.fonts import UNPRINTABLE
from dashboard.papers.paper import BoardPaper, Mix, PaperNote, PaperRow, PeriodFigure, board_paper, describe, file_stem
from dashboard.papers.pdf import paper_pdf
from dashboard.papers.tables import paper_csv, paper_table, paper_xlsx

__all__ = (
    "UNPRINTABLE", "BoardPaper", "Mix", "PaperNote", "PaperRow", "PeriodFigure", "board_paper", "describe", "file_stem",
    "paper_csv", "paper_pdf", "paper_table", "paper_xlsx",
)  # fmt: skip
