"""The one test of "no value", for every cell the store, a file or pandas hands over."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd


def missing(value: object) -> bool:
    """True for no value: None, pandas' NA and NaT, and a NaN (numpy's included)."""
    if value is None or value is pd.NA or value is pd.NaT:
        return True
    return isinstance(value, float | np.floating) and math.isnan(value)
