"""Low-level table reading: CSV (any encoding quirks), Excel, Parquet, as text."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from ..errors import Problem, raise_if


def read_table(path: Path, sheet: str | int | None = None) -> tuple[pd.DataFrame, int]:
    """Read a file with every cell as text; return the table and its header's row number.

    Text keeps "[c]" and "0012" as written; numbers are parsed later, where a
    bad one can be reported with its row and column.
    """
    suffix = path.suffix.lower()
    try:
        if suffix in (".csv", ".txt"):
            raw = path.read_bytes()
            text = raw.decode("utf-8-sig") if _is_utf8(raw) else raw.decode("cp1252")
            text = text.replace("\r\n", "\n").replace("\r", "\n")  # CR-only files exist in the wild
            from io import StringIO

            df = pd.read_csv(StringIO(text), dtype=str, keep_default_na=False, skip_blank_lines=True)
        elif suffix in (".xlsx", ".xlsm", ".xls"):
            df = pd.read_excel(path, sheet_name=sheet if sheet is not None else 0, dtype=str, keep_default_na=False)
        elif suffix == ".parquet":
            df = pd.read_parquet(path)
        else:
            raise_if([Problem(f"cannot read '{suffix}' files; use CSV, Excel (.xlsx) or Parquet", file=str(path))])
    except (ValueError, OSError, UnicodeDecodeError) as exc:
        from ..errors import EvidenceError

        if isinstance(exc, EvidenceError):
            raise
        raise_if([Problem(f"could not be read: {exc}", file=str(path), sheet=str(sheet) if sheet else None)])
    df.columns = [str(c).strip() for c in df.columns]
    df = df.replace({"": None})
    return df, 1


def _is_utf8(raw: bytes) -> bool:
    try:
        raw.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True
