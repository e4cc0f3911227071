"""The command line: ``evidence report``, ``evidence validate``, ``evidence notebooks``, ``evidence demo``.

Non-interactive (no prompts), progress on standard error, exit code 0 on
success. Bad input exits 2 and a failed report cell exits 3, each with a short
message and no traceback.
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
import time
from pathlib import Path

from .errors import EvidenceError
from .readers import FORMATS

EXIT_BAD_INPUT = 2
EXIT_REPORT_FAILED = 3


def main(argv: list[str] | None = None) -> int:
    """Entry point of the ``evidence`` command."""
    parser = _parser()
    args = parser.parse_args(argv)
    if not getattr(args, "command", None):
        parser.print_help()
        return EXIT_BAD_INPUT
    logging.basicConfig(level=logging.WARNING, format="%(message)s")
    _plain_warnings()
    try:
        return args.func(args)
    except EvidenceError as exc:
        print(f"evidence {args.command}: stopped because of bad input.\n{exc}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except KeyboardInterrupt:
        print("evidence: interrupted; nothing was changed.", file=sys.stderr)
        return 130
    except Exception as exc:  # noqa: BLE001 - the last line of defence: no traceback for users
        from .report import ReportError

        if isinstance(exc, ReportError):
            print(f"evidence {args.command}: {exc}\nThe previous report, if any, was left as it was.", file=sys.stderr)
            return EXIT_REPORT_FAILED
        if isinstance(exc, OSError):
            print(f"evidence {args.command}: could not read or write a file: {exc}", file=sys.stderr)
            return EXIT_BAD_INPUT
        if os.environ.get("EVIDENCE_DEBUG"):
            raise
        print(f"evidence {args.command}: stopped by an unexpected error ({type(exc).__name__}: {exc}). This is a "
              "fault in evidence, not in your files: please report it with the command you ran (set "
              "EVIDENCE_DEBUG=1 to see the details). Nothing was changed.", file=sys.stderr)
        return EXIT_REPORT_FAILED


def _plain_warnings() -> None:
    """Warnings about the user's data as one plain line each, without Python's file and line."""
    import warnings

    from .errors import EvidenceWarning

    default = warnings.showwarning

    def show(message, category, filename, lineno, file=None, line=None):
        if issubclass(category, EvidenceWarning):
            print(f"warning: {message}", file=sys.stderr)
        else:
            default(message, category, filename, lineno, file, line)

    warnings.showwarning = show


def _level(text: str) -> float:
    """A confidence level as a fraction: 0.95, not 95."""
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number; write a level such as 0.95") from None
    if not 0 < value < 1:
        hint = f"; did you mean {value / 100:g}?" if 50 <= value < 100 else ""  # 95 meant 0.95; 1.5 meant nothing
        raise argparse.ArgumentTypeError(f"{text} is not between 0 and 1{hint}")
    return value


def _filter(text: str) -> tuple[str, str]:
    key, sep, value = text.partition("=")
    if not sep or not key.strip():
        raise argparse.ArgumentTypeError(f"{text!r} is not KEY=VALUE, e.g. --filter institution_group=Total")
    return key.strip(), value.strip()


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="evidence", description="Equality evidence: gaps, progress and scheme reports.")
    sub = p.add_subparsers(dest="command")

    r = sub.add_parser("report", help="produce a scheme progress report (no arguments: the built-in demo)")
    r.add_argument("--scheme", help="scheme YAML file (default: the built-in demo scheme)")
    r.add_argument("--period", help="current period, e.g. 2024 (default: the scheme's 'current')")
    r.add_argument("--baseline", help="baseline period (default: the scheme's 'baseline')")
    r.add_argument("--out", help="output folder (default: reports/<scheme>/<period>)")
    r.add_argument("--observations", nargs="+", help="data file(s) overriding the scheme's data")
    r.add_argument("--indicators", help="indicator metadata file overriding the scheme's")
    r.add_argument("--level", type=_level, help="confidence level, e.g. 0.95")
    r.add_argument("--strict", action="store_true", default=None,
                   help="count any fall in everyone's result as levelling down")
    r.add_argument("--adjust", choices=["holm", "bh"], help="adjust tests of change for the number of groups compared")
    r.add_argument("--pdf", action="store_true", help="also print an A4 PDF (needs Chromium)")
    r.add_argument("-p", "--parameter", action="append", type=_parameter, default=[], metavar="NAME=VALUE",
                   help="a notebook parameter (repeatable), e.g. -p indicator=employment_rate")
    r.add_argument("--quiet", action="store_true", help="print nothing but errors")
    r.add_argument("--notebook", default="scheme",
                   help="which report: scheme (the scheme progress report, default), workforce (the workforce "
                        "profile), explore_gaps (the exploration notebook), or the path of your own copy of any of "
                        "them (see: evidence notebooks)")
    r.add_argument("--staff", help="workforce: HR records, one row per person (default: the demo council)")
    r.add_argument("--applicants", help="workforce: recruitment records, one row per applicant")
    r.add_argument("--population", help="workforce: the population to compare with (characteristic, group, count)")
    r.add_argument("--pay-gap-returns", help="workforce: the Gender pay gap service download, to compare with "
                                             "other councils")
    r.set_defaults(func=_report)

    v = sub.add_parser("validate", help="check data files, or a scheme and its data, and say what was understood")
    v.add_argument("files", nargs="+", help="data files, or scheme YAML files (checked with their data)")
    v.add_argument("--indicators", help="indicator metadata to check against")
    v.add_argument("--format", choices=FORMATS, help="the file's format (default: detected from its columns)")
    v.add_argument("--filter", action="append", type=_filter, default=[], metavar="KEY=VALUE",
                   help="keep rows whose column KEY is VALUE (repeatable), e.g. --filter institution_group=Total")
    v.add_argument("--period", help="with a scheme: the current period to check (default: the scheme's)")
    v.add_argument("--mapping", help="a YAML mapping of the file's columns (for tables in no known format)")
    v.set_defaults(func=_validate)

    n = sub.add_parser("notebooks", help="copy the report and exploration notebooks into a folder, as your own")
    n.add_argument("folder", nargs="?", default=".", help="where to put the copies (default: this folder)")
    n.add_argument("--force", action="store_true", help="replace copies already there (your edits are lost)")
    n.set_defaults(func=_notebooks)

    i = sub.add_parser("init", help="write a starter scheme and indicator metadata from your data files")
    i.add_argument("files", nargs="+", help="your data files, as published")
    i.add_argument("--out", default="scheme.yaml", help="the scheme file to write (indicators.yaml goes beside it)")
    i.add_argument("--area", help="your area (name or code), when the files cover several")
    i.add_argument("--name", help="the scheme's name")
    i.add_argument("--format", choices=FORMATS, help="the files' format (default: detected from the columns)")
    i.add_argument("--mapping", help="a YAML mapping of the files' columns (for tables in no known format)")
    i.add_argument("--filter", action="append", type=_filter, default=[], metavar="KEY=VALUE",
                   help="keep rows whose column KEY is VALUE (repeatable)")
    i.add_argument("--force", action="store_true", help="overwrite the scheme and indicators files if they exist")
    i.set_defaults(func=_init)

    d = sub.add_parser("demo", help="write the built-in demo data as CSV and Excel")
    d.add_argument("--out", default="data/raw/demo")
    d.add_argument("--force", action="store_true", help="overwrite the demo files if they are already there")
    d.set_defaults(func=_demo)
    return p


def _report(args: argparse.Namespace) -> int:
    from .report import report

    start = time.perf_counter()
    if args.quiet:
        from .bars import quiet

        quiet()

    def say(msg: str) -> None:
        if not args.quiet:
            print(f"[{time.perf_counter() - start:5.1f}s] {msg}", file=sys.stderr, flush=True)

    if _is_workforce(args.notebook):
        from .workforce_report import workforce_report

        _not_for(args, "the workforce profile", ["scheme", "baseline", "observations", "indicators", "strict",
                                                 "adjust", "pdf"])
        target = workforce_report(args.out, staff=args.staff, applicants=args.applicants, population=args.population,
                                  pay_gap_returns=args.pay_gap_returns, snapshot=args.period,
                                  level=args.level or 0.95, notebook=None if args.notebook in ("workforce", "workforce_profile") else args.notebook,
                                  parameters=dict(args.parameter) or None, progress=say)
        if not args.quiet:
            print(f"Open {Path(target) / 'report.html'} in a browser.")
        return 0
    _not_for(args, "a scheme report", ["staff", "applicants", "population", "pay_gap_returns"])
    target = report(args.scheme, args.period, args.baseline, args.out, observations=args.observations,
                    indicators=args.indicators, level=args.level, strict=args.strict, adjust=args.adjust, pdf=args.pdf,
                    notebook=None if args.notebook in ("scheme", "scheme_progress") else args.notebook,
                    parameters=dict(args.parameter) or None, progress=say)
    if not args.quiet:
        print(f"Open {Path(target) / 'report.html'} in a browser.")
    return 0


def _is_workforce(notebook: str) -> bool:
    """``--notebook workforce``, or the path of a copy of the workforce profile notebook."""
    if notebook in ("workforce", "workforce_profile"):
        return True
    if notebook in ("scheme", "scheme_progress", "explore_gaps") or not notebook.endswith(".ipynb"):
        return False
    from .report import resolve_notebook
    from .workforce_report import is_workforce_notebook

    return is_workforce_notebook(resolve_notebook(notebook))


def _not_for(args: argparse.Namespace, what: str, options: list[str]) -> None:
    """Options of the other kind of report are an error, not silently ignored."""
    given = [f"--{o.replace('_', '-')}" for o in options if getattr(args, o) not in (None, False, [])]
    if given:
        from .errors import Problem, raise_if

        raise_if([Problem(f"{', '.join(given)} {'does' if len(given) == 1 else 'do'} not apply to {what}; "
                          "leave {} out".format("it" if len(given) == 1 else "them"))])


def _validate(args: argparse.Namespace) -> int:
    from .filecheck import validate_files

    ok = validate_files(args.files, indicators=args.indicators, out=sys.stdout, format=args.format,
                        mapping=args.mapping, filters=dict(args.filter) or None, period=args.period)
    return 0 if ok else EXIT_BAD_INPUT


def _parameter(text: str) -> tuple[str, object]:
    """``NAME=VALUE``, the value read as YAML: ``0.9`` a number, ``[a, b]`` a list, ``2024/25`` text."""
    import yaml

    key, sep, value = text.partition("=")
    if not sep or not key.strip().isidentifier():
        raise argparse.ArgumentTypeError(f"{text!r} is not NAME=VALUE, e.g. -p indicator=employment_rate")
    try:
        parsed = yaml.safe_load(value) if value.strip() else None
    except yaml.YAMLError:
        parsed = value
    return key.strip(), parsed


def _notebooks(args: argparse.Namespace) -> int:
    from .notebook_copies import copy_notebooks

    for path in copy_notebooks(args.folder, force=args.force):
        print(f"wrote {path}")
    print("Open them in JupyterLab; run your copy of the report with: evidence report --notebook PATH")
    return 0


def _init(args: argparse.Namespace) -> int:
    from .init import init

    scheme, meta = init(args.files, args.out, area=args.area, filters=dict(args.filter) or None, format=args.format,
                        mapping=args.mapping, name=args.name, force=args.force)
    print(f"wrote {scheme} and {meta}")
    from .notebook_copies import copy_missing

    written, kept = copy_missing(Path(scheme).parent)  # the officer's own notebooks, beside the scheme
    for path in written:
        print(f"wrote {path}")
    if kept:
        print("kept your " + ", ".join(str(p) for p in kept) + " (evidence notebooks --force replaces them)")
    print(f"Next: edit them, then run  evidence validate {scheme}")
    return 0


def _demo(args: argparse.Namespace) -> int:
    from . import demo

    for path in demo.export(args.out, force=args.force):
        print(f"wrote {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
