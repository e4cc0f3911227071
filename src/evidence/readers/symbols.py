"""Numbers as publishers write them: GSS symbols, thousands separators, footnote markers.

A symbol never becomes zero: it becomes a missing value with a ``reason``.
Symbols follow the Government Statistical Service guidance "Symbols in tables"
and the older variants still found in published files:

====================================  =======================
written                               reason
====================================  =======================
``c  [c]  *  !``                      suppressed
``x  [x]  ..  :  -  #  n/a  NA``      not available
``z  [z]  .``                         not applicable
``u  [u]``                            low reliability
``low  [low]  ~``                     rounds to zero
blank                                 missing
====================================  =======================

Numbers may carry thousands separators (``1,234``), a per cent sign
(``12.3%``) and footnote or flag markers (``12.3[note 4]``, ``45.6*``,
``12.3 [u]``, ``7.1e``): the number is kept and the marker dropped.
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

SYMBOLS: dict[str, str] = {
    "c": "suppressed", "[c]": "suppressed", "*": "suppressed", "**": "suppressed", "supp": "suppressed",
    "!": "suppressed", "#": "not available",
    "x": "not available", "[x]": "not available", "..": "not available", ":": "not available", "-": "not available",
    "n/a": "not available", "na": "not available", "nan": "not available", "#n/a": "not available",
    "z": "not applicable", "[z]": "not applicable", ".": "not applicable",
    "u": "low reliability", "[u]": "low reliability",
    "low": "rounds to zero", "[low]": "rounds to zero", "~": "rounds to zero",
}
MISSING = "missing"
# a number, then optional markers: [note 4], [u], *, a trailing letter flag, %
_NUMBER = re.compile(
    r"^\s*(?P<num>[-+−]?(?:\d{1,3}(?:,\d{3})+|\d+)?(?:\.\d+)?(?:[eE][-+]?\d+)?)\s*%?\s*"
    r"(?P<marks>(?:\[[^\]]*\]|\*+|[a-zA-Z](?![a-zA-Z])|\s)*)$"
)


def parse_numbers(values: pd.Series) -> tuple[pd.Series, pd.Series, pd.Series]:
    """Parse a column of published numbers.

    Returns
    -------
    numbers : Series of float
        The numbers; NaN for symbols, blanks and text that is not a number.
    reason : Series of object
        Why a value is missing (``suppressed``, ``not available``...), else None.
    invalid : Series of bool
        True where the cell held text that is neither a number nor a known
        symbol (for the caller to report with its row and column).

    Examples
    --------
    >>> n, r, bad = parse_numbers(pd.Series(["1,234", "12.3%", "[c]", "45.6*", "12.3[note 4]", "", "abc"]))
    >>> n.tolist()[:2], r.tolist()[2], n.tolist()[3:5], bad.tolist()[-1]
    ([1234.0, 12.3], 'suppressed', [45.6, 12.3], True)
    """
    s = values.astype(object)
    text = s.map(lambda v: "" if v is None or (isinstance(v, float) and np.isnan(v)) else str(v)).str.strip()
    numeric_already = s.map(lambda v: isinstance(v, int | float | np.integer | np.floating) and not pd.isna(v))
    lower = text.str.lower()
    reason = lower.map(SYMBOLS).astype(object)
    reason = reason.where(lower != "", MISSING)
    m = text.str.extract(_NUMBER)
    digits = m["num"].fillna("").str.replace(",", "", regex=False).str.replace("−", "-", regex=False)
    has_digit = digits.str.contains(r"\d", regex=True)
    numbers = pd.to_numeric(digits.where(has_digit, None), errors="coerce")
    numbers = numbers.where(reason.isna(), np.nan)
    already = pd.to_numeric(s.where(numeric_already, np.nan).astype(float), errors="coerce")
    numbers = numbers.astype(float).where(~numeric_already, already)
    invalid = numbers.isna() & reason.isna()
    reason = reason.where(numbers.isna(), None)
    return numbers.astype(float), reason, invalid.astype(bool)
