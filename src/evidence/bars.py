"""Progress you can see: tqdm bars for the long steps, quiet when nobody is watching.

A bar is shown on standard error when someone can see it: on a terminal, or
in JupyterLab. Reading one big file (:func:`reading`, around the reading of
its cells by ``ev.read``) shows the bytes read so far. It is quiet with ``--quiet``, when standard error is not a
terminal (cron, CI, a log file) and inside ``evidence report``'s own notebook
run (a bar must never end up in a published report). ``EVIDENCE_PROGRESS=1``
or ``0`` overrides the guess.
"""

from __future__ import annotations

import contextvars
import functools
import os
import sys
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, BinaryIO, TypeVar

T = TypeVar("T")
#: the environment variable that turns bars on (1) or off (0) whatever the guess
ENV = "EVIDENCE_PROGRESS"
#: a file at least this big (bytes) shows a bar while it is read: smaller ones read in a moment
BIG_FILE = 1_000_000
_READING: contextvars.ContextVar[Any] = contextvars.ContextVar("evidence_reading", default=None)


def enabled() -> bool:
    """Whether a bar would be seen: ``EVIDENCE_PROGRESS``, else JupyterLab or a terminal.

    Examples
    --------
    >>> import os
    >>> os.environ["EVIDENCE_PROGRESS"] = "0"
    >>> enabled()
    False
    >>> del os.environ["EVIDENCE_PROGRESS"]
    """
    setting = os.environ.get(ENV)
    if setting is not None:
        return setting.strip().lower() not in ("", "0", "false", "no", "off")
    if _in_jupyter():
        return True
    try:
        return sys.stderr.isatty()
    except (AttributeError, ValueError):
        return False


def quiet() -> None:
    """Turn bars off for this process and the notebooks it runs (``--quiet``)."""
    os.environ[ENV] = "0"


def bar(iterable: Iterable[T], desc: str, total: int | None = None, unit: str = "step") -> Iterator[T]:
    """Iterate with a progress bar when :func:`enabled`, or plainly when not.

    Examples
    --------
    >>> list(bar([1, 2, 3], "Counting"))
    [1, 2, 3]
    """
    if not enabled():
        yield from iterable
        return
    from tqdm import tqdm

    yield from tqdm(iterable, desc=desc, total=total, unit=unit, file=sys.stderr, leave=False,
                    dynamic_ncols=True)


def _in_jupyter() -> bool:
    try:
        from IPython import get_ipython
    except ImportError:
        return False
    shell = get_ipython()
    return shell is not None and type(shell).__name__ == "ZMQInteractiveShell"


@contextmanager
def reading(path: str | Path) -> Iterator[None]:
    """A bar of the bytes read while a big file (:data:`BIG_FILE` or more) is read, when :func:`enabled`.

    The reader takes the file's bytes through :func:`read_bytes` or
    :func:`opened`, which move the bar; once every byte is in, the bar stays
    up, saying the values are being checked, until the read is done.

    Examples
    --------
    >>> with reading("no such file.csv"):
    ...     pass
    """
    try:
        size = Path(path).stat().st_size
    except (OSError, TypeError, ValueError):
        size = 0
    if size < BIG_FILE or not enabled():
        yield
        return
    from tqdm import tqdm

    with tqdm(total=size, desc=f"Reading {Path(path).name}", unit="B", unit_scale=True, unit_divisor=1024,
              file=sys.stderr, leave=False, dynamic_ncols=True) as shown:
        state = {"bar": shown, "files": []}
        token = _READING.set(state)
        try:
            yield
        finally:
            _READING.reset(token)
            for fh in state["files"]:
                fh.close()


def while_reading(func: Callable[..., T]) -> Callable[..., T]:
    """Decorate a reader taking the path first, so a big file shows :func:`reading`'s bar."""
    @functools.wraps(func)
    def wrapper(path: Any, *args: Any, **kwargs: Any) -> T:
        with reading(path):
            return func(path, *args, **kwargs)

    return wrapper


def read_bytes(path: str | Path) -> bytes:
    """The file's bytes, moving the bar of :func:`reading` (a file read without one: all at once).

    Examples
    --------
    >>> import tempfile
    >>> f = Path(tempfile.mkdtemp()) / "a.csv"
    >>> _ = f.write_bytes(b"a,b\\n1,2\\n")
    >>> read_bytes(f)
    b'a,b\\n1,2\\n'
    """
    state = _READING.get()
    if state is None:
        return Path(path).read_bytes()
    chunks = []
    with open(path, "rb") as fh:
        while chunk := fh.read(1 << 20):
            chunks.append(chunk)
            _advance(state["bar"], len(chunk))
    return b"".join(chunks)


def opened(path: str | Path) -> str | Path | BinaryIO:
    """The file for a reader that takes a path or a file (openpyxl): a file whose reads move the bar.

    Without a bar this is ``path`` itself. A spreadsheet read row by row (openpyxl's
    read-only mode) reads its bytes as it goes, so the bar follows the rows. The
    file is closed when :func:`reading` ends.
    """
    state = _READING.get()
    if state is None:
        return path
    fh = _Counted(open(path, "rb"), state["bar"])
    state["files"].append(fh)
    return fh


def _advance(shown: Any, n: int) -> None:
    n = min(n, shown.total - shown.n)  # a zip's directory is read twice: never past the end
    if n > 0:
        shown.update(n)
        if shown.n >= shown.total:
            shown.set_postfix_str("checking the values")


class _Counted:
    """A binary file whose reads move a bar."""

    def __init__(self, fh: BinaryIO, shown: Any) -> None:
        self._fh, self._bar = fh, shown

    def read(self, n: int = -1) -> bytes:
        data = self._fh.read(n)
        _advance(self._bar, len(data))
        return data

    def __getattr__(self, name: str) -> Any:  # seek, tell, seekable, close...: the file's own
        return getattr(self._fh, name)
