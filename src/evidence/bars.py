"""Progress you can see: tqdm bars for the long steps, quiet when nobody is watching.

A bar is shown on standard error when someone can see it: on a terminal, or
in JupyterLab. It is quiet with ``--quiet``, when standard error is not a
terminal (cron, CI, a log file) and inside ``evidence report``'s own notebook
run (a bar must never end up in a published report). ``EVIDENCE_PROGRESS=1``
or ``0`` overrides the guess.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterable, Iterator
from typing import TypeVar

T = TypeVar("T")
#: the environment variable that turns bars on (1) or off (0) whatever the guess
ENV = "EVIDENCE_PROGRESS"


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
