"""`evidence report`: run the report notebook and publish its outputs atomically.

The notebook is executed by papermill's Python API in a kernel that runs *this*
Python interpreter (a kernelspec written for the run, so a missing or different
``python3`` kernelspec can never cause ``NoSuchKernel``). The executed notebook
becomes self-contained HTML with no code, no prompts and nothing fetched from
the internet. Everything is written to a temporary folder beside the target and
swapped in only when every step succeeded, so a failed run leaves the previous
report exactly as it was.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import logging
import os
import platform
import re
import shutil
import sys
import tempfile
import uuid
from collections.abc import Callable
from importlib import metadata
from pathlib import Path
from typing import Any

from .errors import EvidenceError, Problem, raise_if, warn_caller
from .scheme import Scheme

log = logging.getLogger("evidence.report")
NOTEBOOKS = Path(__file__).parent / "notebooks"  # the built-in notebooks: read-only templates
NOTEBOOK = NOTEBOOKS / "scheme_progress.ipynb"
KERNEL_NAME = "evidence-python"
#: written into every manifest.json, so a later run knows the folder is a report it made
MANIFEST_TOOL = "evidence"
_PACKAGES = ["evidence", "pandas", "numpy", "scipy", "statsmodels", "matplotlib", "seaborn", "openpyxl", "gptables",
             "afcharts", "papermill", "nbconvert", "ipykernel", "PyYAML"]


class ReportError(RuntimeError):
    """The report notebook failed; the message names the cell and the error."""


def report(
    scheme: str | Path | None = None,
    period: str | None = None,
    baseline: str | None = None,
    out: str | Path | None = None,
    *,
    observations: str | Path | list | None = None,
    indicators: str | Path | None = None,
    level: float | None = None,
    strict: bool | None = None,
    min_numerator: int | None = None,
    min_denominator: int | None = None,
    adjust: str | None = None,
    pdf: bool = False,
    notebook: str | Path | None = None,
    parameters: dict[str, Any] | None = None,
    progress: Callable[[str], None] | None = None,
) -> Path:
    """Produce a scheme progress report; with no arguments, the built-in demo's.

    Parameters
    ----------
    scheme : path, optional
        Scheme YAML; default the built-in demo scheme.
    period, baseline : str, optional
        Default: the scheme's ``current`` and ``baseline``.
    out : path, optional
        Output folder; default ``reports/<scheme slug>/<period>``.
    observations, indicators : path, optional
        Data overriding the scheme's ``data:`` section.
    level, strict, min_numerator, min_denominator, adjust
        Statistical settings overriding the scheme's (``adjust``: ``"holm"`` or ``"bh"``).
    pdf : bool
        Also print the HTML to an A4 PDF with headless Chromium.
    notebook : str or path, optional
        The notebook to run: the name of a built-in one (``scheme_progress``,
        the default; ``explore_gaps``) or the path of your own copy (see
        ``evidence notebooks``). Its hash is recorded in ``manifest.json``.
    parameters : dict, optional
        Further notebook parameters (for example ``{"indicator": "..."}``).
    progress : callable, optional
        Called with a short message at each step (the command line prints them).

    Returns
    -------
    Path
        The report folder, holding ``report.html``, ``tables.xlsx``, CSV and JSON
        tables, ``figures/`` (PNG and SVG), ``report.ipynb`` and ``manifest.json``.

    Raises
    ------
    EvidenceError
        Bad scheme or data (the message names file, line or row, and column).
    ReportError
        A notebook cell failed (the message names the cell).
    """
    say = progress or (lambda msg: log.info(msg))
    notebook_file = resolve_notebook(notebook)
    from .parameters import check_parameters
    from .workforce_report import is_workforce_notebook

    if is_workforce_notebook(notebook_file):
        raise_if([Problem(f"{notebook_file} is a workforce profile notebook, not a scheme report: run it with "
                          f"evidence report --notebook {notebook_file} (or evidence.workforce_report.workforce_report"
                          "(notebook=...))")])

    # every parameter checked before anything runs: one message with the fixes, exit 2 on the command line
    check_parameters({"scheme_path": scheme, "period": period, "baseline": baseline, "observations_path": observations,
                      "indicators_path": indicators, "level": level, "strict": strict, "min_numerator": min_numerator,
                      "min_denominator": min_denominator, "adjust": adjust, **(parameters or {})})
    scheme_obj = Scheme.from_yaml(scheme) if scheme else Scheme.demo()
    current = str(period) if period is not None else scheme_obj.current
    if not current:
        raise EvidenceError([Problem("no period given: use --period, or set 'current' in the scheme",
                                     file=str(scheme_obj.path))])
    from .periods import normalise_period
    from .results import load_data

    current = normalise_period(current)
    scheme_obj.options(level=level, strict=strict, min_numerator=min_numerator, min_denominator=min_denominator,
                       adjust=adjust)  # bad settings fail now, with exit 2, not inside the notebook
    say(f"Checking scheme '{scheme_obj.name}' and its data")
    obs, meta, inputs = load_data(scheme_obj, observations, indicators)
    if parameters:
        check_parameters(parameters, obs=obs)  # a misspelt indicator: "did you mean", before the long run
    scheme_obj._check_against_data(obs, normalise_period(baseline) if baseline else scheme_obj.baseline, current)

    # "2020/21" must not become two folders
    target = Path(out) if out else Path("reports") / scheme_obj.slug / current.replace("/", "-")
    check_target(target)  # before the long run: a folder we may not replace fails now, not in five minutes
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{target.name}.tmp-", dir=target.parent))
    tmp.chmod(0o755)  # mkdtemp makes it private; a published report should be readable
    try:
        params = {
            "scheme_path": str(Path(scheme).resolve()) if scheme else None,
            "period": current, "baseline": baseline,
            "observations_path": _as_param(observations), "indicators_path": _as_param(indicators),
            "output_dir": str(tmp.resolve()), "level": level, "strict": strict,
            "min_numerator": min_numerator, "min_denominator": min_denominator, "adjust": adjust,
        }
        _add_parameters(params, parameters)
        say("Running the report notebook" + ("" if notebook_file == NOTEBOOK else f" {notebook_file}"))
        executed = tmp / "report.ipynb"
        _execute(notebook_file, executed, params)
        say("Writing HTML")
        html = to_html(executed, title=f"{scheme_obj.name}: progress report")
        (tmp / "report.html").write_text(html, encoding="utf-8")
        if pdf:
            say("Printing PDF")
            from .browser import print_pdf

            print_pdf(tmp / "report.html", tmp / "report.pdf")
        _manifest(tmp, scheme_obj, inputs, {**params, "output_dir": str(target)}, notebook_file)
        _swap(tmp, target)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    say(f"Report written to {target}")
    return target


def builtin_notebooks() -> dict[str, Path]:
    """The notebooks shipped with the package, by name (``scheme_progress``, ``explore_gaps``...)."""
    return {p.stem: p for p in sorted(NOTEBOOKS.glob("*.ipynb"))}


def resolve_notebook(notebook: str | Path | None) -> Path:
    """The notebook file to run: a built-in one by name, or a user's copy by path.

    A relative path is read from the current folder; the message for a missing
    file shows the absolute path.

    Examples
    --------
    >>> resolve_notebook(None).name, resolve_notebook("explore_gaps").name
    ('scheme_progress.ipynb', 'explore_gaps.ipynb')
    """
    if notebook is None:
        return NOTEBOOK
    builtins = builtin_notebooks()
    if str(notebook) in builtins:
        return builtins[str(notebook)]
    path = Path(notebook).expanduser().resolve()
    names = ", ".join(builtins)
    if not path.is_file():
        raise_if([Problem(f"--notebook: there is no notebook at {path} (a relative path is read from "
                          f"{Path.cwd()}). Give the path of your copy (make one with: evidence notebooks), "
                          f"or the name of a built-in notebook: {names}")])
    if path.suffix != ".ipynb":
        raise_if([Problem(f"--notebook: {path} is not a Jupyter notebook (.ipynb); give your copy of a "
                          f"notebook, or a built-in name: {names}")])
    import nbformat

    try:
        nbformat.read(str(path), as_version=4)
    except Exception as exc:  # noqa: BLE001 - any reason it cannot be read is the same message
        raise_if([Problem(f"--notebook: {path} could not be read as a notebook ({exc}); open it in JupyterLab "
                          "and save it again, or make a fresh copy with: evidence notebooks --force")])
    return path


#: parameters the run sets itself; the command line has an option for each
_RUN_PARAMETERS = {"scheme_path": "--scheme", "period": "--period", "baseline": "--baseline",
                   "observations_path": "--observations", "indicators_path": "--indicators", "output_dir": "--out",
                   "level": "--level", "strict": "--strict", "min_numerator": "the scheme",
                   "min_denominator": "the scheme", "adjust": "--adjust"}


def _add_parameters(params: dict[str, Any], extra: dict[str, Any] | None,
                    run: dict[str, str] = _RUN_PARAMETERS) -> None:
    """Add a notebook's own parameters; the run's own ones (``run``) have options of their own."""
    taken = [f"{k} (use {run[k]})" for k in (extra or {}) if k in run]
    if taken:
        raise_if([Problem("--parameter cannot set " + ", ".join(taken))])
    for key, value in (extra or {}).items():
        params[key] = str(Path(value).resolve()) if key.endswith("_path") and isinstance(value, str) else value


def _as_param(value: Any) -> Any:
    if value is None:
        return None
    if isinstance(value, list | tuple):
        return [str(Path(v).resolve()) for v in value]
    return str(Path(value).resolve())


def _kernel_dir() -> Path:
    """A kernelspec that runs this interpreter, in a private folder."""
    base = Path(tempfile.gettempdir()) / f"evidence-kernels-{os.getuid() if hasattr(os, 'getuid') else 'user'}"
    spec = base / "kernels" / KERNEL_NAME
    spec.mkdir(parents=True, exist_ok=True)
    (spec / "kernel.json").write_text(json.dumps({
        "argv": [sys.executable, "-m", "ipykernel_launcher", "-f", "{connection_file}",
                 "--IPKernelApp.log_level=ERROR"],
        "display_name": "Python (evidence)", "language": "python",
        "env": {"MPLBACKEND": "Agg", "PYDEVD_DISABLE_FILE_VALIDATION": "1",
                "EVIDENCE_PROGRESS": "0"},  # no bar may end up in a published report
    }), encoding="utf-8")
    return base


def _execute(notebook: Path, output: Path, params: dict[str, Any], run: dict[str, str] = _RUN_PARAMETERS) -> None:
    import papermill as pm
    from papermill.exceptions import PapermillExecutionError

    from . import bars

    declared = pm.inspect_notebook(str(notebook))
    # a notebook without a setting (the exploration notebook has no 'adjust') is not told about it unless it was set
    params = {k: v for k, v in params.items() if v is not None or k in declared}
    replaced_in_copy(notebook, params, run)
    kernels = _kernel_dir()
    old = os.environ.get("JUPYTER_PATH")
    os.environ["JUPYTER_PATH"] = os.pathsep.join([str(kernels)] + ([old] if old else []))
    try:
        pm.execute_notebook(str(notebook), str(output), parameters=params, kernel_name=KERNEL_NAME,
                            progress_bar=bars.enabled(), cwd=str(Path.cwd()), log_output=False)
    except PapermillExecutionError as exc:
        name = _failed_cell(output)
        if exc.ename == "EvidenceError":
            raise _evidence_error(_strip_ansi(exc.evalue)) from None
        raise ReportError(f"the report notebook failed in cell {exc.exec_count} ({name}): "
                          f"{exc.ename}: {_strip_ansi(exc.evalue)}") from None
    finally:
        if old is None:
            os.environ.pop("JUPYTER_PATH", None)
        else:
            os.environ["JUPYTER_PATH"] = old


def replaced_in_copy(notebook: Path, params: dict[str, Any], run: dict[str, str] = _RUN_PARAMETERS) -> list[str]:
    """Warn about each setting of a user's copy that the run replaces: it is set from the command line.

    An officer who edits ``level = 0.9`` in the parameters cell of their copy and
    runs ``evidence report --notebook`` would otherwise get the command line's
    setting without a word. Only settings changed from the built-in notebook of
    the same name are named (the folder for tables and figures is always the run's).

    Returns
    -------
    list of str
        The warnings given.
    """
    import papermill as pm

    template = builtin_notebooks().get(notebook.stem)
    if template is None or notebook.resolve() == template.resolve():
        return []
    mine, theirs = pm.inspect_notebook(str(notebook)), pm.inspect_notebook(str(template))
    said = []
    for name, value in params.items():
        typed = (mine.get(name) or {}).get("default")
        if name == "output_dir" or typed is None or typed == (theirs.get(name) or {}).get("default"):
            continue
        option = run.get(name, f"-p {name}=...")
        how = f"give {option}" if option.startswith("-") else f"set it in {option}"
        said.append(f"{notebook.name} sets {name} = {typed} in its parameters cell, but the run used {value!r}: "
                    f"a run sets {name} itself; {how} to choose it")
        warn_caller(said[-1])
    return said


def _evidence_error(text: str) -> EvidenceError:
    """The notebook's EvidenceError again, from its message (its problems one per line, not nested)."""
    head, _, rest = text.partition(":\n")
    lines = [line.removeprefix("  - ") for line in rest.splitlines() if line.startswith("  - ")]
    m = re.match(r"\d+ problems? found(?: in (.*))?$", head, flags=re.DOTALL)
    if not (m and lines):
        return EvidenceError([Problem(text)])
    return EvidenceError([Problem(line) for line in lines], context=m.group(1))


def _failed_cell(path: Path) -> str:
    """The name of the cell that raised, from its first line ``# Cell: name``."""
    import nbformat

    try:
        cells = nbformat.read(str(path), as_version=4).cells
    except (OSError, ValueError):
        return "unknown cell"
    for cell in cells:
        if any(o.get("output_type") == "error" for o in cell.get("outputs", [])):
            first = cell.source.strip().splitlines()[0] if cell.source.strip() else ""
            return first.removeprefix("# Cell:").strip() if first.startswith("# Cell:") else "unnamed cell"
    return "unknown cell"


def _strip_ansi(text: str) -> str:
    return re.sub(r"\x1b\[[0-9;]*m", "", text)


def to_html(executed: Path, title: str) -> str:
    """The executed notebook as one accessible, self-contained HTML page.

    nbconvert's ``basic`` template gives the cell outputs with no page shell,
    so no require.js or MathJax is loaded from a CDN; inputs, prompts and cells
    tagged ``remove_cell`` are left out. The page adds a language, a title, a
    skip link, a table of contents and print-friendly styles.
    """
    import nbformat
    from nbconvert import HTMLExporter
    from nbconvert.preprocessors import TagRemovePreprocessor

    nb = nbformat.read(str(executed), as_version=4)
    for cell in nb.cells:  # warnings went to the command line; a committee's report carries no stderr
        if "outputs" in cell:
            cell.outputs = [o for o in cell.outputs if not (o.get("output_type") == "stream"
                                                            and o.get("name") == "stderr")]
    exporter = HTMLExporter(template_name="basic", exclude_input=True, exclude_input_prompt=True,
                            exclude_output_prompt=True, anchor_link_text="")
    tags = TagRemovePreprocessor(remove_cell_tags={"remove_cell", "parameters", "injected-parameters"})
    exporter.register_preprocessor(tags, enabled=True)
    body, _ = exporter.from_notebook_node(nb)
    body = re.sub(r'<a class="anchor-link"[^>]*>[^<]*</a>', "", body)
    headings = re.findall(r'<h2 id="([^"]+)">(.*?)</h2>', body)
    h1 = re.search(r"<h1>(.*?)</h1>", body)
    page_title = re.sub(r"<[^>]+>", "", h1.group(1)) if h1 else title
    from .render import TOC_MARK

    items = "".join(f'<li><a href="#{i}">{t}</a></li>' for i, t in headings)
    nav = f'<nav aria-label="Contents" class="toc"><h2 class="toc-title" id="contents">Contents</h2><ol>{items}</ol></nav>'
    body = body.replace(TOC_MARK, nav, 1) if TOC_MARK in body else nav + body
    return _PAGE.format(title=page_title, css=_CSS, body=body, generated=dt.date.today().strftime("%d %B %Y"))


def _sha(path: Path) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def _manifest(folder: Path, scheme: Scheme, inputs: list[Path], params: dict[str, Any],
              notebook: Path = NOTEBOOK) -> None:
    files = {str(p): _sha(Path(p)) for p in inputs}
    if not inputs:
        demo_src = Path(__file__).parent / "demo.py"
        files["built-in demo data (evidence/demo.py)"] = _sha(demo_src)
    write_manifest(folder, {"scheme": {"name": scheme.name, "file": str(scheme.path), "sha256": scheme.hash()},
                            "inputs": files}, params, notebook)


def write_manifest(folder: Path, head: dict[str, Any], params: dict[str, Any], notebook: Path) -> None:
    """``manifest.json``: what the run read (``head``), the notebook and its hash, the outputs, the versions.

    Every report's manifest says ``"tool": "evidence"``, so a later run knows it
    may replace the folder (:func:`check_target`).
    """
    versions = {}
    for pkg in _PACKAGES:
        try:
            versions[pkg] = metadata.version(pkg)
        except metadata.PackageNotFoundError:
            versions[pkg] = None
    manifest = {
        "tool": MANIFEST_TOOL, **head,
        "notebook": {"file": str(notebook), "sha256": _sha(notebook), "built_in": notebook.parent == NOTEBOOKS},
        "parameters": params,
        "outputs": sorted(str(p.relative_to(folder)) for p in folder.rglob("*") if p.is_file()),
        "versions": {"python": platform.python_version(), **versions},
        "created": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
    }
    (folder / "manifest.json").write_text(json.dumps(manifest, indent=2) + "\n", encoding="utf-8")


def check_target(target: Path) -> None:
    """Refuse an output folder the tool may not replace.

    The tool replaces only what it wrote: a missing or empty folder, or a
    report folder holding nothing but the files its ``manifest.json`` lists.
    Anything else (an existing file, a folder of the user's own files, a
    report folder someone has added files to) is an :class:`EvidenceError`:
    nothing is deleted, moved or hidden.

    Examples
    --------
    >>> import tempfile
    >>> folder = Path(tempfile.mkdtemp())
    >>> check_target(folder / "new")   # missing: fine
    >>> _ = (folder / "notes.txt").write_text("mine")
    >>> try:
    ...     check_target(folder)
    ... except EvidenceError as exc:
    ...     print("no manifest.json" in str(exc))
    True
    """
    where = str(target)
    if target.is_symlink():
        raise_if([Problem("--out is a symbolic link; give the folder it points to, so nothing is replaced by "
                          "mistake", file=where)])
    if target.exists() and not target.is_dir():
        raise_if([Problem("--out is an existing file, not a folder; nothing was changed. Choose a folder "
                          "name that does not exist yet (or a report folder evidence wrote before)", file=where)])
    if not target.exists():
        return
    present = sorted(str(p.relative_to(target)) for p in target.rglob("*") if not p.is_dir())
    if not present:
        return
    manifest = target / "manifest.json"
    if not manifest.is_file():
        raise_if([Problem("this folder is not empty and was not written by evidence (it has no manifest.json), "
                          "so it will not be replaced; choose another --out, or empty the folder yourself",
                          file=where)])
    try:
        listed = json.loads(manifest.read_text(encoding="utf-8"))
        outputs = set(listed["outputs"])
        # "tool" marks every manifest; reports from before it carry a scheme and versions
        if listed.get("tool") != MANIFEST_TOOL and not {"scheme", "versions"} <= set(listed):
            raise KeyError("tool")
    except (ValueError, KeyError, TypeError, OSError):
        raise_if([Problem("this folder's manifest.json is not one evidence wrote, so the folder will not be "
                          "replaced; choose another --out", file=where)])
    extra = [p for p in present if p != "manifest.json" and p not in outputs]
    if extra:
        shown = ", ".join(extra[:6]) + (f" and {len(extra) - 6} more" if len(extra) > 6 else "")
        raise_if([Problem(f"this report folder also holds files evidence did not write ({shown}), so it will not "
                          "be replaced; move those files elsewhere, or choose another --out", file=where)])


def _swap(tmp: Path, target: Path) -> None:
    """Replace ``target`` with ``tmp`` by renames on one filesystem (``target`` checked first)."""
    check_target(target)  # again: files may have been added while the notebook ran
    old = None
    if target.exists():
        old = target.parent / f".{target.name}.old-{os.getpid()}-{uuid.uuid4().hex[:8]}"
        target.rename(old)
    try:
        tmp.rename(target)
    except OSError:
        if old is not None:
            old.rename(target)  # put last year's report back
        raise
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)


_PAGE = """<!DOCTYPE html>
<html lang="en-GB">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title}</title>
<style>{css}</style>
</head>
<body>
<a class="skip-link" href="#main">Skip to main content</a>
<header class="masthead"><p>Equality scheme progress report</p></header>
<main id="main" tabindex="-1">
{body}
</main>
<footer><p>Produced with the evidence toolkit on {generated}.</p></footer>
</body>
</html>
"""

_CSS = """
:root { --text: #0b0c0c; --muted: #484949; --link: #1d70b8; --focus: #ffdd00; --border: #b1b4b6; }
* { box-sizing: border-box; }
body { font-family: Arial, Helvetica, sans-serif; color: var(--text); background: #fff; margin: 0 auto;
       max-width: 60rem; padding: 0 1rem 2rem; font-size: 1.1875rem; line-height: 1.5; }
a { color: var(--link); }
a:focus, summary:focus, main:focus { outline: 3px solid var(--focus); background: var(--focus); color: var(--text); }
.skip-link { position: absolute; left: -9999px; top: 0; padding: .5rem 1rem; background: var(--focus); color: var(--text); }
.skip-link:focus { left: 1rem; }
.masthead { border-bottom: 10px solid #1d70b8; margin-bottom: 1rem; }
.masthead p { margin: .75rem 0; font-weight: bold; }
h1 { font-size: 2.25rem; line-height: 1.2; margin: 1rem 0; }
h2 { font-size: 1.75rem; margin-top: 2.5rem; border-top: 2px solid var(--border); padding-top: 1rem; }
h3 { font-size: 1.35rem; margin-top: 2rem; }
.toc { border-left: 4px solid var(--border); padding-left: 1rem; }
.toc-title { font-size: 1.25rem; border: 0; margin: 0; padding: 0; }
.lead { font-size: 1.35rem; }
.rule { color: var(--muted); }
table { border-collapse: collapse; width: 100%; margin: 1rem 0 1.5rem; font-size: 1rem; }
caption { text-align: left; font-weight: bold; padding-bottom: .5rem; }
th, td { text-align: left; vertical-align: top; border-bottom: 1px solid var(--border); padding: .5rem .6rem .5rem 0; }
thead th { border-bottom: 2px solid var(--text); }
.rag { display: inline-block; padding: .1rem .45rem; border-radius: 3px; font-weight: bold; white-space: nowrap;
       border: 2px solid transparent; }
.rag-green { background: #cce2d8; color: #005a30; border-color: #005a30; }
.rag-amber { background: #fff7bf; color: #594d00; border-color: #594d00; }
.rag-red { background: #f6d7d2; color: #942514; border-color: #942514; }
.rag-grey { background: #f3f2f1; color: #383f43; border-color: #505a5f; border-style: dashed; }
.verdicts { border: 3px solid #0b0c0c; padding: 0 1rem .5rem; margin: 1rem 0 2rem; }
.verdicts h2 { border-top: 0; margin-top: 1rem; padding-top: 0; }
.verdict-list { padding-left: 1.5rem; }
.verdict-list li { margin-bottom: .75rem; }
.verdict-list p { margin: .2rem 0; font-size: 1rem; }
.verdict-head { font-weight: bold; }
.verdict-head .rag, .measure-links .rag { font-size: 1rem; }
.council { border-left: 5px solid #1d70b8; background: #f3f2f1; padding: .5rem 1rem; margin: 1rem 0; }
.council h3, .council h4 { margin-top: .25rem; font-size: 1.1rem; }
.table-wrap { max-width: 100%; overflow-x: auto; }
ul.counts { list-style: none; padding-left: 0; }
ul.counts li { margin: .4rem 0; }
figure { margin: 1.5rem 0 .5rem; }
figure img { max-width: 100%; height: auto; border: 1px solid #f3f2f1; }
figcaption { color: var(--muted); font-size: 1rem; }
details { margin-bottom: 1.5rem; }
summary { cursor: pointer; color: var(--link); text-decoration: underline; }
dt { font-weight: bold; margin-top: .75rem; }
dd { margin-left: 0; }
footer { border-top: 1px solid var(--border); margin-top: 3rem; color: var(--muted); font-size: 1rem; }
.jp-OutputArea-output, .jp-RenderedHTMLCommon { overflow-x: auto; }
p, li, dd, td, th { overflow-wrap: anywhere; }
@media (max-width: 40rem) {
  body { font-size: 1rem; padding: 0 .6rem 1rem; }
  h1 { font-size: 1.6rem; }
  h2 { font-size: 1.35rem; }
  .rag { white-space: normal; }
}
@page { size: A4; margin: 14mm 12mm; }
@media print {
  body { max-width: none; font-size: 11pt; }
  .skip-link, .toc { display: none; }
  details { display: block; }
  h2 { break-before: page; }
  figure, table { break-inside: avoid; }
}
"""
