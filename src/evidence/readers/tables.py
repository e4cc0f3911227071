"""Low-level reading: any CSV, Excel sheet or Parquet file as a grid of text cells.

Cells are kept as text ("[c]" and "0012" stay as written); numbers are parsed
later, where a bad one can be reported with its row and column. Row numbers are
the ones a person sees: the line of a CSV file, the row of a spreadsheet.
Files are opened read-only.
"""

from __future__ import annotations

import csv
import io
import zipfile
from pathlib import Path

import pandas as pd

from .. import bars
from ..errors import EvidenceError, Problem, raise_if

ROW = "source_row"


def decode(raw: bytes, file: str | None = None) -> str:
    """Text of a CSV file: UTF-8 (with or without a byte-order mark), UTF-16 (Excel's "Unicode text") or
    Windows-1252; any line ending. Bytes that are no text at all raise :class:`EvidenceError`.

    Examples
    --------
    >>> decode(b"\\xef\\xbb\\xbfa,b\\rc,d\\r")
    'a,b\\nc,d\\n'
    >>> decode("a\\tb\\n".encode("utf-16"))
    'a\\tb\\n'
    """
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            text = raw.decode("utf-16")
        except UnicodeDecodeError:
            raise_if([Problem("starts like UTF-16 text but cannot be decoded as UTF-16; save it again as "
                              "CSV UTF-8 (in Excel: Save As > CSV UTF-8)", file=file)])
    elif b"\x00" in raw[:4096] or raw.startswith(b"PK\x03\x04"):
        what = "an Excel workbook or other zip file: give it the .xlsx ending" if raw.startswith(b"PK") else \
            "binary data"
        raise_if([Problem(f"not a text table: the file holds {what}. Export the table as CSV (UTF-8) or Excel "
                          "(.xlsx)", file=file)])
    else:
        try:
            text = raw.decode("utf-8-sig")
        except UnicodeDecodeError:
            text = raw.decode("cp1252", errors="replace")
    return text.replace("\r\n", "\n").replace("\r", "\n")  # CR-only files exist in the wild


def _dialect(text: str, suffix: str) -> str:
    """Tab-separated when the header has tabs and no commas (Excel's "Unicode text" is UTF-16 with tabs)."""
    head = text.split("\n", 1)[0]
    if suffix == ".tsv" or ("\t" in head and head.count("\t") > head.count(",")):
        return "excel-tab"
    return "excel"


@bars.while_reading  # a big file shows a bar of the bytes read, on a terminal and in JupyterLab
def read_grid(path: Path, sheet: str | int | None = None) -> pd.DataFrame:
    """Every cell of the file as text or None, indexed by the row number a person sees.

    Excel merged cells give their value to the first cell only, as Excel shows it.
    """
    path = Path(path)
    suffix = path.suffix.lower()
    try:
        if suffix in (".csv", ".txt", ".tsv"):
            text = decode(bars.read_bytes(path), str(path))  # a big file: a bar of the bytes read
            rows = list(csv.reader(io.StringIO(text), dialect=_dialect(text, suffix)))
        elif suffix in (".xlsx", ".xlsm"):
            if not zipfile.is_zipfile(path):
                head = path.read_bytes()[:2048]
                looks_text = b"\x00" not in head and (b"," in head or b"\t" in head)
                raise_if([Problem("is not an Excel workbook although its name ends " + suffix + "; " + (
                    "it holds text that looks like CSV: rename it to end .csv" if looks_text else
                    "it is not a text table either: export the table again as .xlsx or CSV"), file=str(path))])
            rows = _excel_rows(path, sheet)
        elif suffix == ".xls":  # the old binary format, through pandas and xlrd
            df = pd.read_excel(path, sheet_name=sheet if sheet is not None else 0, header=None, dtype=object)
            rows = df.astype(object).where(df.notna(), None).values.tolist()
        elif suffix == ".parquet":
            df = pd.read_parquet(path)
            rows = [list(df.columns)] + df.astype(object).where(df.notna(), None).values.tolist()
        else:
            raise_if([Problem(f"cannot read '{suffix}' files; use CSV, Excel (.xlsx) or Parquet", file=str(path))])
    except EvidenceError:
        raise
    except (OSError, ValueError, KeyError, IndexError, csv.Error, zipfile.BadZipFile) as exc:
        raise_if([Problem(f"could not be read ({exc}); check it is a valid {suffix.lstrip('.').upper()} file",
                          file=str(path), sheet=str(sheet) if sheet is not None else None)])
    width = max((len(r) for r in rows), default=0)
    grid = pd.DataFrame([list(r) + [None] * (width - len(r)) for r in rows], dtype=object)
    grid = grid.map(_clean_cell)
    grid.index = range(1, len(grid) + 1)
    return grid


def _clean_cell(v: object) -> object:
    if v is None:
        return None
    if isinstance(v, float) and v != v:
        return None
    if isinstance(v, str):
        v = v.strip()
        if len(v) > 1 and v[0] == v[-1] == '"':
            v = v[1:-1].strip()  # quotes kept inside a quoted field: '"Managerial, administrative..."'
        return v if v != "" else None
    return v


def _excel_rows(path: Path, sheet: str | int | None) -> list[list]:
    import openpyxl

    wb = openpyxl.load_workbook(bars.opened(path), read_only=True, data_only=True)  # the bar follows the rows
    try:
        if sheet is None:
            ws = wb.worksheets[0]
        elif isinstance(sheet, int):
            ws = wb.worksheets[sheet]
        elif sheet in wb.sheetnames:
            ws = wb[sheet]
        else:
            raise_if([Problem(f"no sheet named '{sheet}'; the sheets are {', '.join(wb.sheetnames)}",
                              file=str(path), sheet=str(sheet))])
        return [list(r) for r in ws.iter_rows(values_only=True)]
    finally:
        wb.close()


def read_table(path: Path, sheet: str | int | None = None, header_row: int | None = None) -> tuple[pd.DataFrame, int]:
    """A table whose header is its first non-blank row (or ``header_row``).

    Returns the data as text with a ``source_row`` column, and the header's row number.
    Blank rows are dropped; duplicated column names are made unique (``value``, ``value.1``).
    """
    grid = read_grid(path, sheet)
    filled = grid.notna().any(axis=1)
    if not filled.any():
        raise_if([Problem("the file is empty", file=str(path), sheet=str(sheet) if sheet is not None else None)])
    head = header_row if header_row is not None else int(filled.idxmax())
    names = [str(c).strip() if not pd.isna(c) else f"column_{i + 1}" for i, c in enumerate(grid.loc[head])]
    names = _unique(names)
    data = grid.loc[head + 1:].copy()
    data.columns = names
    data = data[data.notna().any(axis=1)]
    data = data.map(lambda v: None if v is None or (isinstance(v, float) and v != v) else (v if isinstance(v, str) else _text(v)))
    data[ROW] = data.index
    return data.reset_index(drop=True), head


def _text(v: object) -> str:
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    return str(v)


def _unique(names: list[str]) -> list[str]:
    seen: dict[str, int] = {}
    out = []
    for n in names:
        if n in seen:
            seen[n] += 1
            out.append(f"{n}.{seen[n]}")
        else:
            seen[n] = 0
            out.append(n)
    return out
