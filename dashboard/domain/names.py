"""The one rule by which names and codes match: boards, areas and indicator codes in files, `--board`/`--area`
options, `?board=`/`?target=` links and page filters all compare name_key (or code_key) of both sides."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable

import pandas as pd

# Excel and Word turn ' into ’ and - into –; a name typed either way is the same name.
_APOSTROPHES = str.maketrans({c: "'" for c in "\u2018\u2019\u201b\u02bc\u2032`´"})
_DASHES = str.maketrans({c: "-" for c in "\u2010\u2011\u2012\u2013\u2014\u2015\u2212\ufe58\ufe63\uff0d"})
_NI_CODE = re.compile(r"^NI\s*0*(\d+)$")


def tidy(text: str) -> str:
    """Compatibility forms folded (NFKC), curly apostrophes and dashes made plain, runs of spaces made one."""
    plain = unicodedata.normalize("NFKC", str(text)).translate(_APOSTROPHES).translate(_DASHES)
    return " ".join(plain.split())


def name_key(name: str) -> str:
    """What two names must share to be the same board or area: "children’s  TRUST" is "Children's Trust"."""
    return tidy(name).casefold()


def normalise_code(code: str) -> str:
    """An indicator code as stored: 'ni117', ' NI  117 ' → 'NI 117'; other codes tidied and upper-cased."""
    text = tidy(code).upper()
    m = _NI_CODE.match(text)
    return f"NI {int(m.group(1))}" if m else text


def code_key(code: str) -> str:
    """What two indicator codes must share to be the same target."""
    return name_key(normalise_code(code))


def find_name(options: Iterable[str], wanted: str | None) -> str | None:
    """The option that is the same name as wanted, else None."""
    return _find(options, wanted, name_key)


def find_code(options: Iterable[str], wanted: str | None) -> str | None:
    """The option that is the same indicator code as wanted, else None."""
    return _find(options, wanted, code_key)


def _find(options: Iterable[str], wanted: str | None, key) -> str | None:
    if not wanted:
        return None
    looked_for = key(wanted)
    return next((o for o in options if key(o) == looked_for), None)


def same_name(names: pd.Series, wanted: str) -> pd.Series:
    """Mask of the names that are the same name as wanted (the distinct names are keyed once each)."""
    looked_for = name_key(wanted)
    keys = {name: name_key(name) for name in names.dropna().unique()}
    return names.map(keys).eq(looked_for).fillna(False).astype(bool)
