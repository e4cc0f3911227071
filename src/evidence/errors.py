"""The one exception users see: :class:`EvidenceError`.

Every problem with user data (a file, a sheet, a row, a column, a scheme key) is
reported as a :class:`Problem` and raised together, so one run shows everything
that needs fixing rather than only the first thing.
"""

from __future__ import annotations

import os
import sys
import warnings
from collections.abc import Iterable
from dataclasses import dataclass

#: this package's folder: frames under it are the toolkit's, not the caller's
_PACKAGE = os.path.dirname(os.path.abspath(__file__)) + os.sep


@dataclass(frozen=True)
class Problem:
    """One thing wrong with the input, located as precisely as we can.

    Parameters
    ----------
    message : str
        What is wrong and what to do about it, in plain words.
    file, sheet : str, optional
        Where the data came from.
    rows : tuple of int, optional
        Row numbers as the user sees them (1-based data rows, or spreadsheet rows
        when reading a file).
    column : str, optional
        The column (or scheme key) at fault.
    value : str, optional
        The offending value, as text.
    line : int, optional
        Line number in a text file such as a scheme YAML.

    Examples
    --------
    >>> str(Problem("value must be a number", rows=(3,), column="value", value="abc"))
    "row 3, column 'value' (value 'abc'): value must be a number"
    """

    message: str
    file: str | None = None
    sheet: str | None = None
    rows: tuple[int, ...] = ()
    column: str | None = None
    value: str | None = None
    line: int | None = None

    def where(self) -> str:
        """Return the location as text, e.g. ``file 'a.csv', row 3, column 'value'``."""
        parts = []
        if self.file:
            parts.append(f"file '{self.file}'")
        if self.sheet:
            parts.append(f"sheet '{self.sheet}'")
        if self.line is not None:
            parts.append(f"line {self.line}")
        if self.rows:
            parts.append(_rows_text(self.rows))
        if self.column:
            parts.append(f"column '{self.column}'")
        text = ", ".join(parts)
        if self.value is not None:
            text += f" (value {self.value!r})"
        return text

    def __str__(self) -> str:
        where = self.where()
        return f"{where}: {self.message}" if where else self.message


def _rows_text(rows: tuple[int, ...], limit: int = 8) -> str:
    shown = ", ".join(str(r) for r in rows[:limit])
    more = f" and {len(rows) - limit} more" if len(rows) > limit else ""
    return f"row {shown}{more}" if len(rows) == 1 else f"rows {shown}{more}"


def listing(values: Iterable[object], limit: int = 12, quote: bool = False) -> str:
    """Values for a message: all of them, or the first ``limit`` and "and N more".

    Examples
    --------
    >>> listing(["a", "b", "c"], limit=2)
    'a, b and 1 more'
    >>> listing(["Total", "Boys"], quote=True)
    "'Total', 'Boys'"
    """
    items = [repr(v) if quote else str(v) for v in values]
    shown = ", ".join(items[:limit])
    return shown + (f" and {len(items) - limit} more" if len(items) > limit else "")


class EvidenceError(ValueError):
    """Bad input: one or more :class:`Problem` s, each naming where and what to do.

    The message lists every problem found, one per line, so the command line can
    print it without a traceback.

    Examples
    --------
    >>> err = EvidenceError([Problem("is required", column="value")])
    >>> print(err)
    1 problem found:
      - column 'value': is required
    """

    def __init__(self, problems: Iterable[Problem] | str, *, context: str | None = None):
        if isinstance(problems, str):
            problems = [Problem(problems)]
        self.problems: list[Problem] = list(problems)
        self.context = context
        super().__init__(self._text())

    #: problems shown in the message; all of them stay in ``.problems``
    SHOWN = 25

    def _text(self) -> str:
        n = len(self.problems)
        head = f"{n} problem{'s' if n != 1 else ''} found"
        if self.context:
            head += f" in {self.context}"
        lines = [f"  - {p}" for p in self.problems[: self.SHOWN]]
        if n > self.SHOWN:
            lines.append(f"  ... and {n - self.SHOWN} more like these")
        return head + ":\n" + "\n".join(lines)


def raise_if(problems: list[Problem], *, context: str | None = None) -> None:
    """Raise :class:`EvidenceError` when ``problems`` is not empty."""
    if problems:
        raise EvidenceError(problems, context=context)


class EvidenceWarning(UserWarning):
    """Something was read but left out or changed; the message says what and where."""


def warn_caller(message: str) -> None:
    """Issue an :class:`EvidenceWarning` pointing at the user's line, not the toolkit's.

    The stack level is counted to the first frame outside this package, so the
    warning names the caller's ``ev.gaps(...)`` however deep inside it was raised.
    """
    frame, level = sys._getframe(1), 2
    while frame is not None and frame.f_code.co_filename.startswith(_PACKAGE):
        frame, level = frame.f_back, level + 1
    warnings.warn(message, EvidenceWarning, stacklevel=level)

