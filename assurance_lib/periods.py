"""A partnership's real period: named inputs, data currency, like-with-like comparison, the next period's file.

**The bundled synthetic partnership** is the parameters file's ``partnership_id: synthetic``; a
file that gives no ``partnership_id`` is taken as the synthetic partnership too (the demo and
test runs), but only while it reads nothing from ``data/local/``. Any other ``partnership_id``
is a real partnership, and its file must then

- name every input of every notebook (every path parameter whose notebook default is in
  ``data/synthetic/``, and every input contract's parameter that has no default, such as the
  aggregate counts; a framework in ``data/frameworks/`` is configuration and keeps its default), giving ``none`` for an optional input it does
  not have this period (the report lists it among the gaps);
- read nothing under ``data/synthetic/``.

**Data currency.** Each input with dates has its date range worked out as it is validated
(:data:`DATED_INPUTS`). A child-level extract (``kind="extract"``) whose latest date is more than
``currency_tolerance_days`` before the period end is refused (exit 2, naming both dates); a log
kept "as at" a date (``kind="as_at"``: the audit action log) that ends before the period end is a
note for the report's gaps in knowledge.

**Like with like.** :func:`comparability` decides whether the previous pack can be compared with
this period's: the same ``partnership_id``, the immediately preceding period and the same
disclosure settings; other changed settings and a changed version are listed.

**The next period.** :func:`next_period_text` writes the next quarter's parameters file from the
last one (``assurance new-period``).

This module sits with ``config`` below the readers: it reads no input itself.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from .config import NOT_GIVEN, SYNTHETIC_ID, Period, RunConfig
from .errors import Problem

__all__ = [
    "SYNTHETIC_DIR",
    "LOCAL_DIR",
    "DATED_INPUTS",
    "RUN_INPUTS_FILE",
    "real_period_problems",
    "date_range",
    "currency",
    "comparability",
    "next_period_text",
    "TODO_MARK",
]

SYNTHETIC_DIR = Path("data") / "synthetic"
"""Where the bundled synthetic partnership's data lives (relative to the project root)."""
LOCAL_DIR = Path("data") / "local"
"""Where a partnership keeps its real extracts (git-ignored)."""
RUN_INPUTS_FILE = Path("internal") / "run_inputs.json"
"""Written into the pack at the start of a run: the inputs read with their date ranges and rows,
the inputs given as ``none``, the data currency notes and every notebook's parameter values
(the report reads it for its gaps and for "what changed")."""
TODO_MARK = "TODO"
"""Marks a value :func:`next_period_text` could not move on; ``validate`` refuses a file holding it."""


@dataclass(frozen=True, slots=True)
class DatedInput:
    """The date columns of one input contract and what its latest date means.

    ``kind``: ``"extract"`` (records up to the extract date: must reach the period end) or
    ``"as_at"`` (a log kept as at its latest entry: a note when that is before the period end).
    """

    columns: tuple[str, ...]
    kind: str


DATED_INPUTS: dict[str, DatedInput] = {
    "journey_events": DatedInput(("event_date",), "extract"),
    "audit_actions": DatedInput(("created", "closed_date"), "as_at"),
    "audit_register": DatedInput(("audit_date",), "range"),
    "section11_register": DatedInput(("date_received",), "range"),
}
"""Input contract name -> its dates. ``range`` inputs only show their dates on the front page."""


def _under(path: Path, folder: Path) -> bool:
    try:
        path.resolve().relative_to(folder.resolve())
        return True
    except ValueError:
        return False


def real_period_problems(
    cfg: RunConfig, notebooks: Iterable[Any], contracts: Iterable[Any], values_of: Mapping[str, Mapping[str, Any]]
) -> list[Problem]:
    """What a real partnership's parameters file must not do (see the module docstring).

    Parameters
    ----------
    cfg : RunConfig
    notebooks : iterable of NotebookInfo
        The notebooks of the run (``name``, ``defaults()``).
    contracts : iterable of InputContract
        Every registered input contract.
    values_of : mapping
        Notebook name -> its parameter values in this run (defaults overridden by the file).
    """
    shown = _shown(cfg)
    synthetic, local = cfg.root / SYNTHETIC_DIR, cfg.root / LOCAL_DIR
    out: list[Problem] = []
    text = cfg.params_file.read_text(encoding="utf-8") if cfg.params_file.is_file() else ""
    for n, line in enumerate(text.splitlines(), 1):
        comment = line.partition("#")[2].strip()
        if comment.startswith(TODO_MARK):
            out.append(
                Problem(
                    file=shown,
                    place=f"line {n}",
                    message=f"is marked {comment}",
                    expected="the value checked and the TODO comment removed",
                )
            )
    by_nb: dict[str, set[str]] = {}
    for c in contracts:
        by_nb.setdefault(c.notebook, set()).add(c.parameter)
    if cfg.is_synthetic:
        if not cfg.partnership_id:
            for nb, values in values_of.items():
                for k, v in values.items():
                    if _is_path_key(k) and isinstance(v, str) and v and _under(cfg.root / v, local):
                        out.append(
                            Problem(
                                file=shown,
                                key="partnership_id",
                                message="is missing",
                                expected=f"a partnership_id for a real partnership (notebooks.{nb}.{k} reads "
                                f"{v}); without one the file is taken as the synthetic partnership's",
                            )
                        )
                        return out
        return out
    for nb in notebooks:
        given = set(cfg.notebook_params(nb.name))
        defaults = nb.defaults()
        # every input contract's parameter (but shared configuration such as a framework in data/frameworks/,
        # whose default is not data) and every path parameter whose default is the synthetic data
        needed = {
            k
            for k in by_nb.get(nb.name, set())
            if not (isinstance(defaults.get(k), str) and defaults[k] and not _under(cfg.root / defaults[k], synthetic))
        }
        needed |= {
            k
            for k, v in defaults.items()
            if _is_path_key(k) and isinstance(v, str) and v and _under(cfg.root / v, synthetic)
        }
        for k in sorted(needed - given):
            out.append(
                Problem(
                    file=shown,
                    key=f"notebooks.{nb.name}.{k}",
                    message="is not named",
                    expected=f"the path of this input for {cfg.partnership}, or '{NOT_GIVEN}' when you "
                    "do not have it this period (a real period never falls back to the synthetic data)",
                )
            )
        for k, v in sorted(values_of.get(nb.name, {}).items()):
            if k in given and _is_path_key(k) and isinstance(v, str) and v and _under(cfg.root / v, synthetic):
                out.append(
                    Problem(
                        file=shown,
                        key=f"notebooks.{nb.name}.{k}",
                        value=v,
                        expected=f"an extract of {cfg.partnership} (in {LOCAL_DIR}/), not the bundled synthetic data",
                    )
                )
    if cfg.identifier_names_file and _under(cfg.identifier_names_file, synthetic):
        out.append(
            Problem(
                file=shown,
                key="identifier_names_file",
                value=str(cfg.identifier_names_file.name),
                expected="the partnership's own names list, not the synthetic one",
            )
        )
    return out


def _is_path_key(k: str) -> bool:
    return str(k).endswith(("_path", "_file"))


def _shown(cfg: RunConfig) -> str:
    try:
        return str(cfg.params_file.resolve().relative_to(cfg.root))
    except ValueError:
        return cfg.params_file.name


def date_range(contract_name: str, frame: Any) -> tuple[str, str] | None:
    """``(first, last)`` ISO dates of an input's date columns (:data:`DATED_INPUTS`), None when it has none."""
    spec = DATED_INPUTS.get(contract_name)
    if spec is None or not isinstance(frame, pd.DataFrame):
        return None
    lo: pd.Timestamp | None = None
    hi: pd.Timestamp | None = None
    for c in spec.columns:
        if c not in frame.columns:
            continue
        col = frame[c]
        if isinstance(col.dtype, pd.CategoricalDtype):
            col = pd.Series(col.cat.categories)
        d = pd.to_datetime(col, errors="coerce").dropna()
        if d.empty:
            continue
        lo = d.min() if lo is None else min(lo, d.min())
        hi = d.max() if hi is None else max(hi, d.max())
    if lo is None or hi is None:
        return None
    return lo.date().isoformat(), hi.date().isoformat()


def currency(cfg: RunConfig, inputs: Iterable[Mapping[str, Any]]) -> tuple[list[Problem], list[str]]:
    """Check each dated input's latest date against the period end (with ``currency_tolerance_days``).

    Returns
    -------
    (list of Problem, list of str)
        Problems for extracts that end too early (exit 2) and notes for logs kept as at an earlier date.
    """
    end = cfg.period.end
    floor = end - dt.timedelta(days=cfg.currency_tolerance_days)
    problems: list[Problem] = []
    notes: list[str] = []
    for i in inputs:
        spec = DATED_INPUTS.get(str(i.get("contract")))
        last = i.get("last_date")
        if spec is None or not last:
            continue
        last_d = dt.date.fromisoformat(str(last))
        if spec.kind == "extract" and last_d < floor:
            problems.append(
                Problem(
                    file=str(i.get("path")),
                    column=", ".join(spec.columns),
                    value=last_d.isoformat(),
                    message=f"ends on {last_d:%d %B %Y}, before the period {cfg.period.label} ends on {end:%d %B %Y}",
                    expected=f"an extract reaching the period end (within currency_tolerance_days = "
                    f"{cfg.currency_tolerance_days}, i.e. on or after {floor:%d %B %Y}): export it again after the period end",
                )
            )
        elif spec.kind == "as_at" and last_d < end:
            notes.append(
                f"The {str(i.get('contract')).replace('_', ' ')} ({i.get('notebook')}) is as at "
                f"{last_d:%d %B %Y}, its latest entry, before the period end ({end:%d %B %Y}): actions shown as "
                "overdue or open may since have moved on. Fill it by exporting the log at the period end."
            )
    return problems, notes


# ============================================================================ like with like
_COMPARED_SETTINGS = ("disclosure",)
"""Settings that must be equal for two packs' numbers to be compared."""


def comparability(
    current: Mapping[str, Any], previous: Mapping[str, Any], *, period: Period
) -> tuple[bool, str, list[str]]:
    """Whether the previous pack (its ``manifest.json``) may be compared with this period's run.

    Parameters
    ----------
    current : mapping
        This run's ``partnership_id``, ``version``, ``parameters`` (as in the manifest) and
        ``notebook_values`` (notebook -> parameter values).
    previous : mapping
        The previous pack's manifest.
    period : Period
        This run's period.

    Returns
    -------
    (bool, str, list of str)
        Comparable or not; when not, the reason as a sentence; the settings that changed between
        the two periods (each a sentence), for the report to list.

    Examples
    --------
    >>> cur = {"partnership_id": "a", "version": "1", "parameters": {"disclosure": {"threshold": 5}},
    ...        "notebook_values": {"01": {"window": "rolling12"}}}
    >>> prev = {"partnership_id": "b", "period": "2026-27 Q1", "version": "1",
    ...         "parameters": {"partnership_id": "b", "disclosure": {"threshold": 5}}}
    >>> comparability(cur, prev, period=Period.parse("2026-27 Q2"))[:2]
    (False, 'the previous pack is of another partnership (b, this one is a)')
    """
    prev_params = previous.get("parameters") or {}
    prev_id = str(previous.get("partnership_id") or prev_params.get("partnership_id") or "")
    cur_id = str(current.get("partnership_id") or SYNTHETIC_ID)
    if not prev_id:
        return (
            False,
            "the previous pack does not record which partnership it is of (it was made by an older version)",
            [],
        )
    if prev_id != cur_id:
        return False, f"the previous pack is of another partnership ({prev_id}, this one is {cur_id})", []
    want = period.previous().label
    if str(previous.get("period")) != want:
        return False, f"the previous pack is of {previous.get('period')}, not of the preceding period {want}", []
    for key in _COMPARED_SETTINGS:
        a, b = prev_params.get(key), (current.get("parameters") or {}).get(key)
        if a != b:
            diff = (
                ", ".join(
                    f"{k} {a.get(k)!r} then, {b.get(k)!r} now"
                    for k in sorted(set(a or {}) | set(b or {}))
                    if (a or {}).get(k) != (b or {}).get(k)
                )
                if isinstance(a, dict) and isinstance(b, dict)
                else ""
            )
            return (
                False,
                (
                    f"the {key} settings changed between the two periods ({diff}), so the published numbers "
                    "are not on the same footing"
                ),
                [],
            )
    changes: list[str] = []
    if previous.get("version") and current.get("version") and previous.get("version") != current.get("version"):
        changes.append(
            f"The workbench version changed from {previous['version']} to {current['version']} "
            "(see CHANGELOG.md for changes of method)."
        )
    prev_values = previous.get("notebook_values") or {}
    for nb, values in sorted((current.get("notebook_values") or {}).items()):
        before = prev_values.get(nb)
        if not isinstance(before, Mapping):
            continue
        for k in sorted(set(values) | set(before)):
            if _is_path_key(k) or k.endswith("_dir") or k in ("params_file", "run_dir"):
                continue
            if values.get(k) != before.get(k):
                changes.append(
                    f"{nb}: the setting {k} was {_show(before.get(k))} in {want} and is "
                    f"{_show(values.get(k))} now, so a movement in the measures it shapes may come from the setting."
                )
    return True, "", changes


def _show(v: Any) -> str:
    return "not set" if v is None else repr(v)


# ============================================================================ the next period
_QUARTER_TOKEN = re.compile(r"(\d{4})-(\d{2})([-_ ])Q([1-4])")


def next_period_text(text: str) -> tuple[str, Period, list[str]]:
    """The next quarter's parameters file from the last one's text.

    The ``period`` line moves on one quarter; every other occurrence of the old period (as a
    label ``2026-27 Q2``, a slug ``2026-27-Q2`` or ``2026-27_Q2``) in a value moves on too, so per-quarter
    files such as ``commentary/2026-27-Q2.md`` become ``commentary/2026-27-Q3.md``. A path value
    naming a file that holds some other date-like part (a year or a month) is kept and marked
    with a ``# TODO`` comment, which ``assurance validate`` refuses until it is checked. A new
    financial year moves the Section 11 ``cycle`` on (``"2026-27"`` -> ``"2027-28"``) with a TODO.

    Returns
    -------
    (str, Period, list of str)
        The new text, the new period, and one line per value marked TODO.

    Examples
    --------
    >>> t = "period: 2026-27 Q2\\nnotebooks:\\n  06_assurance_report:\\n    commentary_path: data/local/commentary/2026-27-Q2.md\\n"
    >>> new, p, todo = next_period_text(t)
    >>> p.label, "2026-27-Q3.md" in new, todo
    ('2026-27 Q3', True, [])
    """
    m = re.search(r"(?m)^period:\s*['\"]?([^'\"#\n]+?)['\"]?\s*(#.*)?$", text)
    if not m:
        raise ValueError("the file has no 'period:' line")
    old = Period.parse(m.group(1).strip())
    new = old.next()
    todo: list[str] = []

    def move(match: re.Match[str]) -> str:
        p = Period(int(match.group(1)), int(match.group(4)))
        if p != old:
            return match.group(0)
        return f"{new.fy_start}-{(new.fy_start + 1) % 100:02d}{match.group(3)}Q{new.quarter}"

    lines = []
    for line in text.splitlines(keepends=True):
        body, nl = (line[:-1], "\n") if line.endswith("\n") else (line, "")
        code, sep, comment = body.partition("#")
        moved = _QUARTER_TOKEN.sub(move, code)
        km = re.match(r"^\s*([A-Za-z0-9_]+):\s*(.*?)\s*$", code)
        key, value = (km.group(1), km.group(2).strip("'\"")) if km else ("", "")
        if (
            moved == code
            and key.endswith(("_path", "_file"))
            and value
            and value.lower() != NOT_GIVEN
            and re.search(r"(19|20)\d\d|Q[1-4]|(jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)", value, re.I)
        ):
            comment = f" {TODO_MARK}: check this file is the one for {new.label}" + (
                f" ({comment.strip()})" if comment.strip() else ""
            )
            sep = "#"
            todo.append(f"{key}: {value}")
        if key == "cycle" and new.quarter == 1 and old.quarter == 4:
            moved = re.sub(
                r"(\d{4})-(\d{2})", lambda c: f"{int(c.group(1)) + 1}-{(int(c.group(2)) + 1) % 100:02d}", moved
            )
            comment = f" {TODO_MARK}: a new financial year: check the Section 11 cycle"
            sep = "#"
            todo.append(f"{key}: moved to the new financial year")
        lines.append(moved + (sep + comment if sep else "") + nl)
    return "".join(lines), new, todo
