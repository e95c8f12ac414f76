"""The ``assurance`` command.

::

    assurance run [PARAMS] [--output-root DIR]   # validate, run every notebook, publish the pack
    assurance validate PARAMS                    # check parameters and every input, run nothing
    assurance list                               # notebooks in run order with their parameters
    assurance new-period PARAMS [--out FILE]     # the next quarter's parameters file, dates moved on
    assurance year 2026-27 [--output-root DIR]   # the yearly pack: four quarters rolled up, children's summary

Exit codes: 0 success; 1 a notebook failed; 2 bad parameters or input (found before any notebook
runs); 3 publication refused by the disclosure or identifier guard.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

from . import __version__
from .errors import EXIT_BAD_INPUT, EXIT_OK, InputError

__all__ = ["main"]


def _parser() -> argparse.ArgumentParser:
    ap = argparse.ArgumentParser(
        prog="assurance",
        description="Safeguarding assurance workbench: the quarterly pack.",
        epilog="Exit codes: 0 success; 1 a notebook failed; 2 bad parameters or input; "
        "3 publication refused by the disclosure or identifier guard.",
    )
    ap.add_argument("--version", action="version", version=f"assurance_lib {__version__}")
    sub = ap.add_subparsers(dest="command", required=True)
    r = sub.add_parser("run", help="run the quarterly pack (default: the synthetic partnership, 2026-27 Q2)")
    r.add_argument("params", nargs="?", default=None, help="parameters file (default parameters/2026-27-Q2.yaml)")
    r.add_argument("--output-root", default=None, help="folder for packs (overrides output_root in the file)")
    r.add_argument("--notebooks", type=Path, default=None, help=argparse.SUPPRESS)
    r.add_argument("--quiet", action="store_true", help="print only errors")
    v = sub.add_parser("validate", help="check the parameters and every input without running notebooks")
    v.add_argument("params", help="parameters file")
    v.add_argument("--notebooks", type=Path, default=None, help=argparse.SUPPRESS)
    np_ = sub.add_parser("new-period", help="write the next quarter's parameters file from the last one")
    np_.add_argument("params", help="the last period's parameters file, e.g. parameters/2026-27-Q3.yaml")
    np_.add_argument("--out", default=None, help="where to write it (default parameters/<next slug>.yaml)")
    y = sub.add_parser("year", help="roll the quarterly packs of a reporting year into the yearly pack")
    y.add_argument("year", help="the reporting year, e.g. 2026-27 (April 2026 to March 2027)")
    y.add_argument("--output-root", default=None, help="folder holding the quarterly packs (default outputs)")
    y.add_argument("--quiet", action="store_true", help="print only errors")
    lst = sub.add_parser("list", help="the notebooks in run order with their parameters")
    lst.add_argument("--notebooks", type=Path, default=None, help=argparse.SUPPRESS)
    return ap


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``assurance`` console script; returns the exit code."""
    args = _parser().parse_args(argv)
    from . import pipeline, registry

    if args.command == "run":
        result = pipeline.run(args.params, output_root=args.output_root, notebooks_dir=args.notebooks, quiet=args.quiet)
        return result.code
    if args.command == "validate":
        try:
            val = pipeline.validate(args.params, notebooks_dir=args.notebooks)
        except InputError as exc:
            print(exc.render(), file=sys.stderr)
            return EXIT_BAD_INPUT
        print(
            f"{val.config.params_file.name}: parameters valid for {val.config.partnership}, {val.config.period.label}"
        )
        for i in val.inputs:
            rows = f"{i['rows']} rows" if i.get("rows") is not None else ""
            dates = f", dates {i['first_date']} to {i['last_date']}" if i.get("last_date") else ""
            print(f"  ok  {i['notebook']:<24} {i['contract']:<24} {i['path']} {rows}{dates}")
        for k in val.config.not_given:
            print(f"  --  {k}: none this period (listed among the report's gaps)")
        for note in val.currency_notes:
            print(f"  note  {note}")
        for gap in val.gaps:
            print(f"  gap {gap}")
        print(f"{len(val.inputs)} inputs checked against their contracts; no problems found.")
        return EXIT_OK
    if args.command == "year":
        from .yearly import run_year

        return run_year(args.year, output_root=args.output_root, quiet=args.quiet).code
    if args.command == "new-period":
        return _new_period(args.params, args.out)
    if args.command == "list":
        try:
            notebooks = pipeline.discover_notebooks(args.notebooks)
        except InputError as exc:
            print(exc.render(), file=sys.stderr)
            return EXIT_BAD_INPUT
        for i, nb in enumerate(notebooks, 1):
            analysis = registry.by_notebook(nb.name)
            print(f"{i}. {nb.name}  ({nb.path.name})" + (f": {analysis.title}" if analysis else ""))
            for p in nb.parameters:
                print(f"     {p.name:<26} {p.type_name:<6} default {p.default!r}")
                if p.help:
                    print(f"     {'':<26} {p.help}")
        return EXIT_OK
    return EXIT_BAD_INPUT


def _new_period(params: str, out: str | None) -> int:
    """``assurance new-period``: write the next quarter's parameters file (never over an existing one)."""
    from .config import project_root, resolve_path
    from .periods import next_period_text

    src = Path(params) if Path(params).is_file() else resolve_path(params)
    try:
        text, period, todo = next_period_text(src.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        print(f"{params}: {exc}", file=sys.stderr)
        return EXIT_BAD_INPUT
    dest = Path(out) if out else project_root() / "parameters" / f"{period.slug}.yaml"
    if dest.exists():
        print(f"{dest.name} exists already: not overwritten (give --out to write elsewhere)", file=sys.stderr)
        return EXIT_BAD_INPUT
    dest.write_text(text, encoding="utf-8")
    print(f"Wrote {dest.name} for {period.label}.")
    for t in todo:
        print(f"  TODO  {t}: check it, then remove the TODO comment (validate refuses the file until then)")
    print(f"Put the new extracts in data/local/, then: assurance validate {out or 'parameters/' + dest.name}")
    return EXIT_OK


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
