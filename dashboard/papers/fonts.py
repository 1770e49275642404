"""The PDF's fonts: DejaVu Sans with fallbacks for what it lacks, HarfBuzz shaping where a script needs it, and
text made drawable (control characters as pictures, what no font has as □, never silently dropped)."""

from __future__ import annotations

import contextlib
import functools
import unicodedata
from collections.abc import Callable, Iterable
from pathlib import Path

from dashboard.domain.output import visible_controls

UNICODE_FONTS = (
    Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"),
    Path("/usr/share/fonts/TTF/DejaVuSans.ttf"),
)
"""The paper's font (Debian's fonts-dejavu-core): Latin, Greek, Cyrillic, Arabic, Hebrew, many symbols and emoticons."""
FALLBACK_FONTS = (
    (
        "DroidSansFallback",  # Debian's fonts-droid-fallback: Chinese, Japanese and Korean
        (
            Path("/usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf"),
            Path("/usr/share/fonts-droid-fallback/truetype/DroidSansFallbackFull.ttf"),
            Path("/usr/share/fonts-droid-fallback/truetype/DroidSansFallback.ttf"),
        ),
    ),
    (
        "Symbola",  # Debian's fonts-symbola: emoji (drawn in black), symbols, control pictures
        (
            Path("/usr/share/fonts/truetype/ancient-scripts/Symbola_hint.ttf"),
            Path("/usr/share/fonts/truetype/ancient-scripts/Symbola.ttf"),
        ),
    ),
)
"""Fonts for the characters DejaVu Sans lacks, each used where present (scripts/setup installs them)."""
UNPRINTABLE = "\u25a1"
"""□ stands in the PDF for a character no font of the paper can draw: marked, never silently dropped."""
# What the PDF core font cannot draw, written as it can.
_LATIN1 = str.maketrans({"’": "'", "‘": "'", "“": '"', "”": '"', "–": "-", "—": "-", "…": "...", "✖": "x",
                         "▲": "^", "✔": "v", "→": "->", "↑": "^", "↓": "v"})  # fmt: skip


def drawing_font(
    pdf, chars: Iterable[str] = (), unprintable: frozenset[str] = frozenset()
) -> tuple[str, Callable[[str], str]]:
    """A Unicode font where the machine has one, with text shaping and the fallback fonts for those of `chars`
    (the characters the paper will draw) it lacks; and the function that makes any text drawable: control
    characters as pictures, what no font has as □.

    A fallback font is added only when the paper needs it, and only with the characters it is needed for: a
    CJK font is large to load, and the paper is copied once to measure its blocks.
    Without DejaVu the core font is used, with text it can draw ('?' for anything else)."""
    from fpdf.errors import FPDFException

    for path in UNICODE_FONTS:
        if path.exists():
            pdf.add_font("DejaVu", "", str(path))
            bold = path.with_name("DejaVuSans-Bold.ttf")
            pdf.add_font("DejaVu", "B", str(bold if bold.exists() else path))
            # DejaVu first: a glyph the bold face lacks is taken from the regular one, then from the others.
            families = ["DejaVu"]
            needed = {ord(c) for c in chars} - {code for font in pdf.fonts.values() for code in font.cmap}
            for family, paths in FALLBACK_FONTS:
                found = next((p for p in paths if p.exists()), None)
                covers = needed & _cmap(found) if found is not None and needed else set()
                if covers:
                    pdf.add_font(family, "", str(found), unicode_range=sorted(covers))
                    families.append(family)
                    needed -= covers
            pdf.set_fallback_fonts(families, exact_match=False)
            if any(_needs_shaping(c) for c in chars):
                # Shaping needs uharfbuzz (Arabic joined, right to left); without it every letter is still drawn.
                # It doubles the time a paper takes, so a paper in Latin, Greek, Cyrillic or CJK goes without.
                with contextlib.suppress(FPDFException):
                    pdf.set_text_shaping(True)
            cmaps = [font.cmap for font in pdf.fonts.values() if hasattr(font, "cmap")]
            return "DejaVu", _drawable(cmaps, unprintable)
    return (
        "Helvetica",
        lambda text: (
            visible_controls(text, keep="\n").translate(_LATIN1).encode("latin-1", "replace").decode("latin-1")
        ),
    )


_COMPLEX_SCRIPTS = (
    (0x0590, 0x08FF),
    (0x0900, 0x0DFF),
    (0x0E00, 0x0FFF),
    (0x1000, 0x109F),
    (0x1780, 0x18AF),
    (0x1A00, 0x1AFF),
    (0x1B00, 0x1BFF),
    (0xA800, 0xABFF),
    (0xFB1D, 0xFDFF),
    (0xFE70, 0xFEFF),
)
"""Hebrew, Arabic, Syriac, Thaana, N'Ko …; Indic scripts; Thai, Lao, Tibetan; Myanmar; Khmer, Mongolian; and
others whose letters change shape, join or reorder: text with them is shaped by HarfBuzz."""


def _needs_shaping(char: str) -> bool:
    """A character whose drawing depends on its neighbours: a letter of a complex script, a combining mark, a
    right-to-left character, a zero-width joiner (emoji sequences)."""
    code = ord(char)
    if char == "\u200d" or any(low <= code <= high for low, high in _COMPLEX_SCRIPTS):
        return True
    return unicodedata.category(char) in ("Mn", "Mc", "Me") or unicodedata.bidirectional(char) in ("R", "AL", "AN")


@functools.lru_cache(maxsize=8)
def _cmap(path: Path) -> frozenset[int]:
    """The code points a font file has a glyph for."""
    from fontTools.ttLib import TTFont

    with TTFont(str(path), lazy=True) as font:
        return frozenset(font.getBestCmap() or ())


def _drawable(cmaps: list, unprintable: frozenset[str]) -> Callable[[str], str]:
    """Text as the paper's fonts can draw it: each control character as its picture (␛ for ESC; a line break
    stays), each character no font has as □. An invisible format character no font has (a zero-width joiner,
    a variation selector) is left out: there is nothing to see."""
    known: dict[str, str] = {"\n": "\n"}

    def one(char: str) -> str:
        if char not in known:
            if char not in unprintable and any(ord(char) in cmap for cmap in cmaps):
                known[char] = char
            elif unicodedata.category(char) == "Cf" or unicodedata.name(char, "").startswith("VARIATION SELECTOR"):
                known[char] = ""
            else:
                known[char] = UNPRINTABLE
        return known[char]

    def clean(text: str) -> str:
        return "".join(one(char) for char in visible_controls(text, keep="\n"))

    return clean
