"""The officer's own notebooks: plain copies of the built-in ones, theirs to edit.

The package's notebooks are read-only templates: ``evidence report`` runs
them, so editing them would change every report. :func:`copy_notebooks` writes
plain copies (never links) into the user's folder, never over a file that is
already there unless asked (``force=True``). A copy is run with ``evidence report
--notebook PATH``, extra cells and wording included.

Every copy is written clean, as JupyterLab would save it: no outputs, no
execution counts, and the language details of this Python's kernel (JupyterLab
writes them on opening, marking the notebook modified when they differ). It is
also trusted (as ``jupyter trust`` does: its hash goes
into this user's Jupyter signature database), because Jupyter marks the cells
of an untrusted notebook untrusted and JupyterLab then trusts those with no
output again, which marks a notebook that nobody has touched as modified.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from .errors import Problem, raise_if


def clean(text: str) -> str:
    """A notebook's JSON with outputs and execution counts removed, in nbformat's own layout.

    Examples
    --------
    >>> import json, nbformat
    >>> nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("1 + 1", execution_count=3)])
    >>> nb.cells[0].outputs = [nbformat.v4.new_output("execute_result", {"text/plain": "2"}, execution_count=3)]
    >>> cell = json.loads(clean(nbformat.writes(nb)))["cells"][0]
    >>> cell["execution_count"], cell["outputs"]
    (None, [])
    """
    import nbformat

    nb = nbformat.reads(text, as_version=4)
    for cell in nb.cells:
        if cell.cell_type == "code":
            cell.outputs = []
            cell.execution_count = None
        cell.metadata.pop("execution", None)
    nb.metadata.pop("signature", None)
    nb.metadata.pop("papermill", None)
    return nbformat.writes(nb) + "\n"


def copy_notebooks(folder: str | Path = ".", names: list[str] | None = None, force: bool = False) -> list[Path]:
    """Copy the built-in notebooks into ``folder`` as plain files of your own.

    Parameters
    ----------
    folder : path
        Where to put the copies (made if missing); default the current folder.
    names : list of str, optional
        Which notebooks (``scheme_progress``, ``explore_gaps``...); default all.
    force : bool
        Replace copies already there (your edits to them are lost).

    Returns
    -------
    list of Path
        The files written.

    Raises
    ------
    EvidenceError
        A file of that name is already there (and ``force`` is not given), or a
        name is not a built-in notebook; nothing is written.

    Examples
    --------
    >>> import tempfile
    >>> [p.name for p in copy_notebooks(tempfile.mkdtemp(), ["explore_gaps"])]
    ['explore_gaps.ipynb']
    """
    from .report import builtin_notebooks

    builtins = builtin_notebooks()
    names = list(builtins) if names is None else names
    folder = Path(folder).expanduser()
    unknown = [n for n in names if n not in builtins]
    raise_if([Problem(f"there is no built-in notebook called {n!r}; the built-in notebooks are "
                      + ", ".join(builtins)) for n in unknown])
    targets = [(builtins[n], folder / builtins[n].name) for n in names]
    if folder.exists() and not folder.is_dir():
        raise_if([Problem(f"{folder.resolve()} is a file, not a folder; give a folder for the notebooks")])
    there = [t for _, t in targets if t.exists() or t.is_symlink()]
    if there and not force:
        raise_if([Problem(f"{t.resolve()} is already there, so it was not replaced (your edits are kept); "
                          "copy to another folder, or add --force to replace it") for t in there])
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for source, target in targets:
        text = for_this_python(clean(source.read_text(encoding="utf-8")))
        if target.is_symlink():  # a link into the package: replace the link, never write through it
            target.unlink()
        fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", dir=folder)
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as fh:
                fh.write(text)
            os.chmod(tmp, 0o644)  # the package's file may be read-only; the copy is the user's to edit
            os.replace(tmp, target)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
        written.append(target)
        trust(target)
    return written


def copy_missing(folder: str | Path = ".") -> tuple[list[Path], list[Path]]:
    """Copy the built-in notebooks that are not in ``folder`` yet; keep the ones there (``evidence init``).

    Returns
    -------
    tuple of lists of Path
        The copies written, and the files already there that were kept as they were.

    Examples
    --------
    >>> import tempfile
    >>> folder = tempfile.mkdtemp()
    >>> _ = copy_notebooks(folder, ["explore_gaps"])
    >>> written, kept = copy_missing(folder)
    >>> sorted(p.name for p in written), [p.name for p in kept]
    (['scheme_progress.ipynb', 'workforce_profile.ipynb'], ['explore_gaps.ipynb'])
    """
    from .report import builtin_notebooks

    folder = Path(folder).expanduser()
    there = {n: folder / p.name for n, p in builtin_notebooks().items()}
    kept = [t for t in there.values() if t.exists() or t.is_symlink()]
    missing = [n for n, t in there.items() if t not in kept]
    return (copy_notebooks(folder, missing) if missing else []), kept


def for_this_python(text: str) -> str:
    """The notebook with the language details this Python's kernel reports, as JupyterLab would save them.

    JupyterLab writes the kernel's ``language_info`` into a notebook as soon as
    the kernel starts; a copy that already holds the same details is not
    marked as modified by it.
    """
    import nbformat
    from ipykernel.ipkernel import IPythonKernel

    nb = nbformat.reads(text, as_version=4)
    nb.metadata["language_info"] = dict(IPythonKernel.language_info)
    return nbformat.writes(nb) + "\n"


def trust(path: str | Path) -> bool:
    """Sign a notebook as the user's own (``jupyter trust``), so it opens clean; False when that cannot be done.

    Only the notebook's hash is stored, in the user's Jupyter data folder; the
    file itself is not changed.
    """
    import nbformat
    from nbformat.sign import NotebookNotary

    try:
        nb = nbformat.read(str(path), as_version=4)
        notary = NotebookNotary()
        notary.sign(nb)
        return notary.check_signature(nb)
    except Exception:  # noqa: BLE001 - no signature database (read-only home): the copy works, marked modified
        return False
