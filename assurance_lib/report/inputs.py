"""What the quarterly report reads: the published pack, the previous period's pack and notebook 06's own inputs.

The report never recomputes an analysis. It reads what the notebooks before it **published** into the
pack being built (``shareable/tables/index.json``, the tables, the ``flags_*.csv`` files, the
figures and pages) and, for "what changed", the previous period's published pack.

Notebook 06's own inputs (their contracts register at import of this module):

``commentary_path``
    The analyst's commentary for the period (optional): Markdown with one ``## <section>``
    heading per report section (see :func:`read_commentary`), or YAML mapping section to text.
    Placed beside the generated text and marked as the partnership's own words; read only,
    never written.
``children_feedback_path``
    The children's and young people's feedback summary (optional): counts by theme and
    sentiment from participation work, no free text (see :func:`read_children_feedback`).
``practitioner_survey_path``
    The practitioner survey (optional), read with
    :func:`assurance_lib.voice.read_practitioner_survey` (the contract shared with Section 11).
``oba_path``
    The outcomes-based accountability measures (optional; :data:`DEFAULT_OBA` when empty).
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from ..config import Period
from ..encoding import read_text
from ..errors import InputError, Problem
from ..packs import RUN_ID_RE, read_latest
from ..readers import ROW_COLUMN, SHEET_COLUMN, InputContract, display_path, read_table, register, row_problems
from ..tables import FLAG_COLUMNS, FLAG_V2_COLUMNS, SEVERITIES
from .priorities import load_priorities
from .settings import NOTEBOOK, Settings

__all__ = [
    "SECTIONS",
    "SENTIMENTS",
    "CHILDREN_FEEDBACK_COLUMNS",
    "DEFAULT_OBA",
    "PublishedPack",
    "ReportInputs",
    "read_pack",
    "read_flags",
    "flagging",
    "previous_pack_dir",
    "load_oba_spec",
    "read_commentary",
    "read_children_feedback",
    "read_practitioner_survey_for_report",
    "load",
]

SECTIONS: tuple[tuple[str, str], ...] = (
    ("summary", "The five things the board must know"),
    ("assurance", "Assurance levels"),
    ("priorities", "Our priorities, one at a time"),
    ("better_off", "Is anyone better off?"),
    ("changes", "What changed since the previous period"),
    ("gaps", "Gaps in knowledge and how to fill them"),
    ("next_steps", "Next steps"),
    ("ranked", "Appendix A: everything else we found, ranked"),
    ("flags", "Appendix B: the flags register and the tables"),
    ("how_to_read", "How to read this pack"),
    ("glossary", "Glossary"),
)
"""(key, heading) of every report section, in order; commentary is keyed by either."""


_EVIDENCE_SEVERITY = {"strong": "high", "moderate": "medium", "indicative": "low"}

SENTIMENTS: tuple[str, ...] = ("positive", "mixed", "neutral", "negative")
"""Sentiments of the children's feedback summary."""

CHILDREN_FEEDBACK_COLUMNS: tuple[str, ...] = ("activity", "theme", "sentiment", "children")
"""Columns of the children's and young people's feedback summary (``activity`` may be empty)."""

_LABEL_RE = re.compile(r"^[A-Za-z][A-Za-z '&,/()-]*$")

_ALL = {"measure": "rate_per_10000", "group_type": "all", "group": "All children"}
DEFAULT_OBA: tuple[dict[str, Any], ...] = (
    # journey (notebook 01): the published disproportionality grid, all children
    {
        "area": "Children's journeys",
        "question": "How much did we do?",
        "label": "Children referred to children's social care (12 months)",
        "table": "disproportionality",
        "where": {"stage": "referral", **_ALL},
        "column": "count",
    },
    {
        "area": "Children's journeys",
        "question": "How much did we do?",
        "label": "Children starting a child protection plan (12 months)",
        "table": "disproportionality",
        "where": {"stage": "cpp_start", **_ALL},
        "column": "count",
    },
    {
        "area": "Children's journeys",
        "question": "How well did we do it?",
        "label": "Children assessed, per cent of children at the feeder stage",
        "table": "disproportionality",
        "where": {"stage": "assessment", "measure": "conversion", "group_type": "all", "group": "All children"},
        "column": "value",
    },
    {
        "area": "Children's journeys",
        "question": "How well did we do it?",
        "label": "High severity disproportionality flags",
        "flags": "disproportionality",
        "severity": "high",
    },
    {
        "area": "Children's journeys",
        "question": "How well did we do it?",  # a count of flags is never an outcome (issue 20)
        "label": "Disproportionality flags resolved since the previous period",
        "resolved": "disproportionality",
    },
    # Section 11 (notebook 02)
    {
        "area": "Section 11",
        "question": "How much did we do?",
        "label": "Agencies whose Section 11 return was received",
        "table": "section11_returns_received",
        "where": {"status": ["on time", "late"]},
        "aggregate": "rows",
    },
    {
        "area": "Section 11",
        "question": "How well did we do it?",
        "label": "Agencies whose return was received on time",
        "table": "section11_returns_received",
        "where": {"status": "on time"},
        "aggregate": "rows",
    },
    {
        "area": "Section 11",
        "question": "How well did we do it?",
        "label": "High severity Section 11 flags",
        "flags": "section11",
        "severity": "high",
    },
    {
        "area": "Section 11",
        "question": "How well did we do it?",  # a count of flags is never an outcome (issue 20)
        "label": "Section 11 flags resolved since the previous period",
        "resolved": "section11",
    },
    # audits (notebook 03)
    {
        "area": "Case audits",
        "question": "How much did we do?",
        "label": "Cases audited this period",
        "table": "audit_register",
        "where": {"role": "this period"},
        "column": "n_cases",
        "aggregate": "sum",
    },
    {
        "area": "Case audits",
        "question": "How much did we do?",
        "label": "Actions in the partnership's action log",
        "table": "audit_actions_summary",
        "where": {"by": "all"},
        "column": "n_actions",
    },
    {
        "area": "Case audits",
        "question": "How well did we do it?",
        "label": "Actions complete (per cent)",
        "table": "audit_actions_summary",
        "where": {"by": "all"},
        "column": "pct_complete",
    },
    {
        "area": "Case audits",
        "question": "How well did we do it?",
        "label": "High severity audit flags",
        "flags": "audits",
        "severity": "high",
    },
    {
        "area": "Case audits",
        "question": "Is anyone better off?",
        "label": "Actions complete with evidence of impact",
        "table": "audit_actions_summary",
        "where": {"by": "all"},
        "column": "n_complete_with_impact",
    },
    {
        "area": "Case audits",
        "question": "How well did we do it?",  # a count of flags is never an outcome (issue 20)
        "label": "Audit flags resolved since the previous period",
        "resolved": "audits",
    },
)
"""The outcomes-based accountability view: each measure reads one published value.

An entry either reads a published table (``table``, ``where`` selecting rows: a value or a list
of values per column, and ``aggregate``: ``value`` (default; exactly one row, its ``column``),
``sum`` (the sum of ``column`` over the rows; a suppressed value makes the sum suppressed) or
``rows`` (the number of matching rows, e.g. agencies)), counts this period's flags of an analysis
(``flags``, optional ``severity``) or counts the flags resolved since the previous period
(``resolved``). A measure whose table or row is not in the
pack is shown as ``[x]`` and listed among the gaps. A partnership may give its own list in a
YAML file (notebook parameter ``oba_path``) with the same keys.
"""


# =========================================================================== reading the pack
@dataclass(frozen=True, slots=True)
class PublishedPack:
    """What one pack published, read back as text (exactly as published).

    Attributes
    ----------
    run_dir : Path
        The pack folder.
    declarations : dict
        Table name -> its ``index.json`` declaration (the report's own ``report_*`` tables are
        left out).
    tables : dict
        Table name -> the published frame (every column as text, empty cells as ``""``).
    flags : DataFrame
        Every row of every ``flags_<analysis>.csv`` (columns :data:`FLAG_COLUMNS`), in file
        order, analyses in the order of ``analyses``.
    missing_flags : tuple of str
        Analyses whose flags file is not in the pack.
    figures : tuple of str
        Figure names (``shareable/figures/<name>.png``).
    pages : tuple of str
        Scrutineer pages present (``shareable/<notebook>.html``).
    analyses : tuple
        The registry records (:class:`assurance_lib.registry.Analysis`, from ``ctx.analyses``) of the
        analyses that raise flags, in run order: the report reads them, never its own list.
    """

    run_dir: Path
    declarations: dict[str, dict[str, Any]]
    tables: dict[str, pd.DataFrame]
    flags: pd.DataFrame
    missing_flags: tuple[str, ...]
    figures: tuple[str, ...]
    pages: tuple[str, ...]
    analyses: tuple[Any, ...] = ()

    def analysis(self, name: str) -> Any:
        """The registry record of the analysis ``name``."""
        return next(a for a in self.analyses if a.name == name)


def _read_csv_text(path: Path) -> pd.DataFrame:
    df = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    return df.astype(object)


def flagging(analyses: Sequence[Any]) -> tuple[Any, ...]:
    """The analyses (registry records, ``ctx.analyses``) that publish a flags file, in run order."""
    return tuple(a for a in analyses if getattr(a, "raises_flags", True))


def read_flags(shareable: Path, analyses: Sequence[Any]) -> tuple[pd.DataFrame, tuple[str, ...]]:
    """Read every analysis's flags file, exactly as published.

    Parameters
    ----------
    shareable : Path
        A pack's ``shareable/`` folder.
    analyses : sequence
        The registry records of the analyses (``ctx.analyses``); those that raise flags are read.

    Returns
    -------
    (DataFrame, tuple of str)
        The union of the flags (columns :data:`FLAG_COLUMNS`, every value as text, file order,
        analyses in the order given) and the analyses whose flags file is absent.

    Raises
    ------
    InputError
        A flags file lacking a flag column, or a row with an unknown severity or no statement
        (naming the file, row, value and what was expected).
    """
    frames: list[pd.DataFrame] = []
    missing: list[str] = []
    problems: list[Problem] = []
    for a in (an.name for an in flagging(analyses)):
        f = shareable / "tables" / f"flags_{a}.csv"
        if not f.is_file():
            missing.append(a)
            continue
        shown = display_path(f)
        df = _read_csv_text(f)
        if "severity" not in df.columns and "evidence" in df.columns:  # version 2 name only
            df["severity"] = df["evidence"].map(_EVIDENCE_SEVERITY).fillna(df["evidence"])
        lacking = [c for c in FLAG_COLUMNS if c not in df.columns]
        if lacking:
            problems += [
                Problem(
                    file=shown, column=c, message="is missing", expected=f"the flag columns {', '.join(FLAG_COLUMNS)}"
                )
                for c in lacking
            ]
            continue
        for c in FLAG_V2_COLUMNS:  # version 2 columns the analysis does not write yet: empty
            if c not in df.columns:
                df[c] = ""
        df = df[[*FLAG_COLUMNS, *FLAG_V2_COLUMNS]].copy()
        df.insert(0, ROW_COLUMN, range(2, len(df) + 2))
        bad_sev = ~df["severity"].isin(SEVERITIES)
        problems += row_problems(df, bad_sev, shown, "severity", f"one of: {', '.join(SEVERITIES)}")
        problems += row_problems(
            df, df["statement"].astype(str).str.strip().eq(""), shown, "statement", "one plain-English sentence"
        )
        frames.append(df.drop(columns=[ROW_COLUMN]))
    if problems:
        raise InputError(problems)
    flags = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=[*FLAG_COLUMNS, *FLAG_V2_COLUMNS])
    return flags.astype(object).reset_index(drop=True), tuple(missing)


def read_pack(run_dir: Path | str, analyses: Sequence[Any]) -> PublishedPack:
    """Read back what a pack published (see :class:`PublishedPack`); ``analyses`` are the registry
    records of the analyses (``ctx.analyses``).

    The report's own tables (names starting ``report_``) are left out, so a rerun of notebook
    06 into the same pack reads exactly what the notebooks before it published.
    """
    run_dir = Path(run_dir)
    share = run_dir / "shareable"
    idx = share / "tables" / "index.json"
    decls: dict[str, dict[str, Any]] = {}
    if idx.is_file():
        raw = json.loads(idx.read_text(encoding="utf-8"))
        for d in raw.get("tables", []) if isinstance(raw, dict) else raw:
            if not str(d.get("name", "")).startswith("report_"):
                decls[str(d["name"])] = dict(d)
    tables: dict[str, pd.DataFrame] = {}
    for name, d in decls.items():
        f = share / "tables" / str(d.get("file") or f"{name}.csv")
        if f.is_file():
            tables[name] = _read_csv_text(f)
    flags, missing = read_flags(share, analyses)
    figs = tuple(sorted(p.stem for p in (share / "figures").glob("*.png"))) if (share / "figures").is_dir() else ()
    pages = tuple(a.notebook for a in flagging(analyses) if (share / f"{a.notebook}.html").is_file())
    return PublishedPack(run_dir, decls, tables, flags, missing, figs, pages, flagging(analyses))


def previous_pack_dir(output_root: Path, previous_slug: str) -> tuple[Path | None, str]:
    """The previous period's last good pack, named by ``outputs/<slug>/LATEST``.

    Followed only through :func:`assurance_lib.packs.read_latest`: ``LATEST`` must hold a run id
    naming a pack folder directly inside ``outputs/<slug>/``. A ``LATEST`` naming anything else
    (``../../etc``, an absolute path, a link out of ``outputs/``) is treated as no previous pack.

    Returns
    -------
    (Path or None, str)
        The pack folder (or None) and a sentence saying what was found.
    """
    period_dir = Path(output_root) / previous_slug
    latest = period_dir / "LATEST"
    if not latest.is_file():
        return None, f"no pack of the previous period ({previous_slug}) was found, so changes are not reported"
    pack = read_latest(period_dir, output_root=Path(output_root))
    if pack is None:
        text = latest.read_bytes()[:65].decode("ascii", "replace").strip()
        if RUN_ID_RE.fullmatch(text):
            return (
                None,
                f"the previous period's LATEST file names a pack ({text}) that is not there, so changes are not reported",
            )
        return None, (
            "the previous period's LATEST file does not hold a run id naming a pack inside the outputs folder, "
            "so changes are not reported"
        )
    if not (pack / "shareable").is_dir():
        return None, f"the previous period's pack {pack.name} has no shareable folder, so changes are not reported"
    return pack, f"compared with the previous period's pack {previous_slug}/{pack.name}"


def load_oba_spec(path: Path | None) -> tuple[dict[str, Any], ...]:
    """The OBA measures from a YAML list (``oba_path``), or :data:`DEFAULT_OBA` when None."""
    if path is None:
        return DEFAULT_OBA
    import yaml

    shown = display_path(path)
    try:
        raw = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise InputError(Problem(file=shown, message=f"could not be read ({type(exc).__name__})")) from None
    problems = []
    if not isinstance(raw, list):
        raise InputError(Problem(file=shown, message="expected a list of measures"))
    for i, e in enumerate(raw, 1):
        if not isinstance(e, dict):
            problems.append(Problem(file=shown, place=f"item {i}", expected="a mapping"))
            continue
        for k in ("area", "question", "label"):
            if not isinstance(e.get(k), str) or not e[k].strip():
                problems.append(Problem(file=shown, place=f"item {i}", key=k, message="is missing", expected="text"))
        if not any(k in e for k in ("table", "flags", "resolved")):
            problems.append(
                Problem(
                    file=shown,
                    place=f"item {i}",
                    message="names no evidence",
                    expected="one of the keys table (with column), flags or resolved",
                )
            )
        if e.get("aggregate", "value") not in ("value", "sum", "rows"):
            problems.append(
                Problem(
                    file=shown,
                    place=f"item {i}",
                    key="aggregate",
                    value=str(e.get("aggregate")),
                    expected="one of: value, sum, rows",
                )
            )
        if "table" in e and e.get("aggregate") != "rows" and not isinstance(e.get("column"), str):
            problems.append(
                Problem(
                    file=shown,
                    place=f"item {i}",
                    key="column",
                    message="is missing",
                    expected="the column of the table holding the value",
                )
            )
    if problems:
        raise InputError(problems)
    return tuple(raw)


# =========================================================================== commentary
_HEADINGS = {h.lower().rstrip("?").strip(): k for k, h in SECTIONS} | {k: k for k, _ in SECTIONS}
_HEADINGS |= {"assurance level": "assurance", "the five things": "summary", "summary": "summary"}


def _section_key(text: str, themes: Mapping[str, str] | None = None) -> str | None:
    """The section key a heading names: a report section, or a priority theme (its id or title)."""
    t = re.sub(r"^\d+[.)]?\s*", "", text.strip()).lower().rstrip("?").strip()
    t = re.sub(r"^priority:\s*", "", t)
    if t in _HEADINGS:
        return _HEADINGS[t]
    for tid, title in (themes or {}).items():
        if t in (tid.lower(), title.lower()):
            return tid
    return None


def _commentary_themes(params: Mapping[str, Any] | None) -> dict[str, str]:
    """Theme id -> title of the priorities file the run names (``priorities_path``; the default file otherwise)."""
    from .priorities import DEFAULT_PRIORITIES_PATH, load_priorities

    path = (params or {}).get("priorities_path") or DEFAULT_PRIORITIES_PATH
    try:
        return {k: v.title for k, v in load_priorities(Path(path)).themes.items()}
    except (InputError, OSError):
        return {}


def read_commentary(path: Path | str, params: Mapping[str, Any] | None = None) -> pd.DataFrame:
    """Read the analyst's commentary for a period.

    Markdown (``.md``)::

        # Commentary, 2026-27 Q2            (an optional title line)

        ## What does the data tell us?
        The partnership's own words ...

        ## Next steps
        ...

    Each ``## `` heading names a report section by its heading (case-insensitive, the question
    mark and a leading number optional) or its key (:data:`SECTIONS`); the text runs to the
    next ``## `` heading. YAML (``.yaml``/``.yml``): a mapping of section heading or key to
    text. A section left empty counts as no commentary.

    Returns
    -------
    DataFrame
        ``section`` (key), ``heading``, ``text``, ``_row`` (line of the heading); one row per
        section with text.

    Raises
    ------
    InputError
        Unknown or repeated sections, text before the first heading, a YAML value that is not
        text: each naming the file, line and what was expected.
    """
    p = Path(path)
    shown = display_path(p)
    if not p.is_file():
        raise InputError(Problem(file=shown, message="no such file"))
    themes = _commentary_themes(params)
    headings = dict(SECTIONS) | themes
    known = "; ".join([*(h for _, h in SECTIONS), *themes.values()])
    problems: list[Problem] = []
    rows: list[dict[str, Any]] = []
    seen: dict[str, int] = {}
    try:
        text = read_text(p, display_path(p))
    except UnicodeDecodeError:
        raise InputError(Problem(file=shown, message="is not UTF-8 text")) from None
    if p.suffix.lower() in (".yaml", ".yml"):
        import yaml

        try:
            raw = yaml.safe_load(text) or {}
        except yaml.YAMLError as exc:
            mark = getattr(exc, "problem_mark", None)
            raise InputError(
                Problem(file=shown, place=f"line {mark.line + 1}" if mark else "", message="is not valid YAML")
            ) from None
        if not isinstance(raw, dict):
            raise InputError(Problem(file=shown, message="expected a mapping of report section to text"))
        for i, (k, v) in enumerate(raw.items(), 1):
            key = _section_key(str(k), themes)
            if key is None:
                problems.append(
                    Problem(file=shown, key=str(k), message="is not a report section", expected=f"one of: {known}")
                )
                continue
            if v is None:
                continue
            if not isinstance(v, str):
                problems.append(Problem(file=shown, key=str(k), value=str(v)[:40], expected="text (a YAML string)"))
                continue
            if key in seen:
                problems.append(
                    Problem(file=shown, key=str(k), message="repeats a section", expected="each section once")
                )
                continue
            seen[key] = i
            if v.strip():
                rows.append({"section": key, "heading": headings[key], "text": v.strip(), ROW_COLUMN: i})
    elif p.suffix.lower() in (".md", ".markdown", ".txt"):
        # HTML comments (guidance for whoever writes the file) are not commentary; keep line numbers
        text = re.sub(r"<!--.*?-->", lambda m: "\n" * m.group(0).count("\n"), text, flags=re.S)
        current: dict[str, Any] | None = None
        body: list[str] = []

        def close() -> None:
            if current is not None and "\n".join(body).strip():
                rows.append({**current, "text": "\n".join(body).strip()})

        for n, line in enumerate(text.splitlines(), 1):
            m = re.match(r"^##\s+(.+?)\s*#*\s*$", line)
            if m and not line.startswith("###"):
                close()
                body = []
                key = _section_key(m.group(1), themes)
                if key is None:
                    problems.append(
                        Problem(
                            file=shown,
                            place=f"line {n}",
                            value=m.group(1),
                            expected=f"a report section heading (one of: {known})",
                        )
                    )
                    current = None
                    body = ["x"]  # text under an unknown heading is not reported again
                    continue
                if key in seen:
                    problems.append(
                        Problem(
                            file=shown,
                            place=f"line {n}",
                            value=m.group(1),
                            message="repeats the section first given",
                            expected=f"each section once (first at line {seen[key]})",
                        )
                    )
                    current = None
                    body = ["x"]
                    continue
                seen[key] = n
                current = {"section": key, "heading": headings[key], ROW_COLUMN: n}
            elif current is None and not body:
                if line.strip() and not re.match(r"^#\s", line):
                    problems.append(
                        Problem(
                            file=shown,
                            place=f"line {n}",
                            message="text before the first section heading",
                            expected="a '## <report section>' heading first (an optional '# title' line may come before it)",
                        )
                    )
                    body = ["x"]
            elif current is not None:
                body.append(line)
        close()
    else:
        raise InputError(Problem(file=shown, value=p.suffix, expected="a .md or .yaml commentary file"))
    if problems:
        raise InputError(problems)
    return pd.DataFrame(rows, columns=["section", "heading", "text", ROW_COLUMN])


# =========================================================================== children's feedback
def read_children_feedback(path: Path | str, params: Mapping[str, Any] | None = None) -> pd.DataFrame:
    """Read the children's and young people's feedback summary (counts only, no free text).

    One row per participation activity x theme x sentiment (CSV or XLSX) with the columns
    :data:`CHILDREN_FEEDBACK_COLUMNS`:

    ``activity``
        the participation activity (a short label, may be empty), e.g. ``Youth forum``;
    ``theme``
        what the feedback was about, a short label (letters, spaces and ``'&,/()-``, at most 60
        characters and 8 words: a label, not a quotation);
    ``sentiment``
        one of :data:`SENTIMENTS` (case-insensitive);
    ``children``
        how many children and young people gave feedback of that sentiment on that theme, a
        whole number of 0 or more.

    No other column is accepted: the summary holds counts, never what a child said.

    Raises
    ------
    InputError
        Listing every problem: missing or extra columns, empty or free-text themes, unknown
        sentiments, counts that are not whole numbers, repeated activity x theme x sentiment.
    """
    p = Path(path)
    shown = display_path(p)
    df = read_table(p, all_sheets=p.suffix.lower() in (".xlsx", ".xlsm"))
    have = [c for c in df.columns if c not in (ROW_COLUMN, SHEET_COLUMN)]
    problems: list[Problem] = []
    for c in ("theme", "sentiment", "children"):
        if c not in have:
            problems.append(
                Problem(
                    file=shown,
                    column=c,
                    message="is missing",
                    expected=f"the columns {', '.join(CHILDREN_FEEDBACK_COLUMNS)} (the file has: {', '.join(have) or 'none'})",
                )
            )
    for c in have:
        if c not in CHILDREN_FEEDBACK_COLUMNS:
            problems.append(
                Problem(
                    file=shown,
                    column=c,
                    message="is not part of the summary",
                    expected=f"only the columns {', '.join(CHILDREN_FEEDBACK_COLUMNS)}: counts by theme and "
                    "sentiment, never free text",
                )
            )
    if problems:
        raise InputError(problems)
    if "activity" not in df.columns:
        df["activity"] = pd.NA
    df = df.copy()
    for c in ("activity", "theme", "sentiment", "children"):
        df[c] = df[c].astype("string")

    def label_ok(s: pd.Series) -> pd.Series:
        return (
            s.fillna("").map(lambda v: bool(_LABEL_RE.match(v)) and len(v) <= 60 and len(v.split()) <= 8).astype(bool)
        )

    problems += row_problems(df, df["theme"].isna(), shown, "theme", "a theme label")
    problems += row_problems(
        df,
        df["theme"].notna() & ~label_ok(df["theme"]),
        shown,
        "theme",
        "a short theme label (letters, spaces and '&,/()-, at most 60 characters and 8 words), not free text",
        show_value=False,
        message="is not a short label",
    )
    problems += row_problems(
        df,
        df["activity"].notna() & ~label_ok(df["activity"]),
        shown,
        "activity",
        "a short activity label (letters, spaces and '&,/()-, at most 60 characters and 8 words)",
        show_value=False,
        message="is not a short label",
    )
    sent = df["sentiment"].str.lower().str.strip()
    problems += row_problems(
        df,
        ~sent.isin(list(SENTIMENTS)).fillna(False).astype(bool),
        shown,
        "sentiment",
        f"one of: {', '.join(SENTIMENTS)}",
    )
    num_ok = df["children"].fillna("").str.fullmatch(r"\d+").fillna(False).astype(bool)
    problems += row_problems(df, ~num_ok, shown, "children", "a whole number of 0 or more")
    if not problems:
        df["sentiment"] = sent
        key = df["activity"].fillna("").astype(str) + "|" + df["theme"].str.lower() + "|" + df["sentiment"]
        dup = key.duplicated(keep="first")
        first = {k: r for k, r in zip(key[~dup], df.loc[~dup, ROW_COLUMN])}
        for i in df.index[dup]:
            problems.append(
                Problem(
                    file=shown,
                    place=f"row {int(df.at[i, ROW_COLUMN])}",
                    message=f"repeats activity, theme and sentiment of row {int(first[key[i]])}",
                    expected="one row per activity, theme and sentiment",
                )
            )
    if problems:
        raise InputError(problems)
    df["children"] = df["children"].astype(int)
    return df[[c for c in (ROW_COLUMN, SHEET_COLUMN) if c in df.columns] + list(CHILDREN_FEEDBACK_COLUMNS)].reset_index(
        drop=True
    )


def read_practitioner_survey_for_report(path: Path | str, params: Mapping[str, Any] | None = None) -> pd.DataFrame:
    """The practitioner survey for notebook 06, read by the contract shared with Section 11."""
    from ..voice import read_practitioner_survey

    return read_practitioner_survey(path, params or {})


register(
    InputContract(
        name="report_commentary",
        notebook=NOTEBOOK,
        parameter="commentary_path",
        read=read_commentary,
        description="the analyst's commentary for the period, keyed by report section (Markdown or YAML)",
        optional=True,
    )
)
register(
    InputContract(
        name="children_feedback",
        notebook=NOTEBOOK,
        parameter="children_feedback_path",
        read=read_children_feedback,
        optional=True,
        description="children's and young people's feedback summary: counts by theme and sentiment, no free text",
    )
)
register(
    InputContract(
        name="practitioner_survey_report",
        notebook=NOTEBOOK,
        parameter="practitioner_survey_path",
        read=read_practitioner_survey_for_report,
        optional=True,
        identifier_columns=("respondent",),
        description="practitioner survey (the contract shared with Section 11), summarised by theme in the report",
    )
)


@dataclass(frozen=True, slots=True, kw_only=True)
class ReportInputs:
    """Everything the report reads.

    Attributes
    ----------
    pack : PublishedPack
        What the notebooks before it published into the pack being built.
    previous : PublishedPack or None
        The previous period's pack (None when there is none or it cannot be read).
    comparison : str
        A sentence on what the changes are computed against (or why they are not).
    commentary, children_feedback, practitioner_survey : DataFrame or None
        Notebook 06's optional inputs as read by their contracts (None when not given).
    oba_spec : tuple of dict
        The outcomes-based accountability measures.
    setting_changes : tuple of str
        Settings (method or parameters) that changed since the compared pack, one sentence each.
    data_notes : tuple of str
        Inputs given as ``none`` and logs kept as at a date before the period end (from the run's
        ``internal/run_inputs.json``), one sentence each, for the gaps in knowledge.
    """

    pack: PublishedPack
    previous: PublishedPack | None
    comparison: str
    commentary: pd.DataFrame | None
    children_feedback: pd.DataFrame | None
    practitioner_survey: pd.DataFrame | None
    oba_spec: tuple[dict[str, Any], ...]
    setting_changes: tuple[str, ...] = ()
    data_notes: tuple[str, ...] = ()
    priorities: Any = None
    previous_register: pd.DataFrame | None = None

    def table(self, name: str) -> pd.DataFrame | None:
        """A table the notebooks before the report published in this pack (None when the pack has none)."""
        t = self.pack.tables.get(name)
        return None if t is None or t.empty else t


def _previous_register(prev: PublishedPack | None) -> pd.DataFrame | None:
    """The previous pack's own flags register (its ``first_period`` carries persistence back), or None."""
    if prev is None:
        return None
    f = prev.run_dir / "shareable" / "tables" / "report_flags_register.csv"
    try:
        return _read_csv_text(f) if f.is_file() else None
    except (OSError, ValueError, UnicodeDecodeError):
        return None


def _previous(
    settings: Settings,
    output_root: Path,
    period: Period,
    analyses: Sequence[Any],
    current: Mapping[str, Any] | None = None,
) -> tuple[PublishedPack | None, str, list[str]]:
    """The previous pack (``previous_run_dir``, or the one ``outputs/<previous slug>/LATEST`` names), a
    sentence on what was found and the settings that changed; a pack that cannot be read, or is not like
    with like (:func:`~assurance_lib.periods.comparability`), gives None and says why, never a failure."""
    prev, comparison = _previous_pack(settings, output_root, period, analyses)
    if prev is None or current is None:
        return prev, comparison, []
    from ..periods import comparability

    try:
        manifest = json.loads((prev.run_dir / "manifest.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        manifest = {}
    ok, why, changes = comparability(current, manifest, period=period)
    if not ok:
        return None, f"{why}, so changes are not reported", []
    return prev, comparison, changes


def _run_inputs(run_dir: Path) -> dict[str, Any] | None:
    """The run's ``internal/run_inputs.json`` (written by ``assurance run``; None in a standalone notebook run)."""
    from ..periods import RUN_INPUTS_FILE

    try:
        return dict(json.loads((Path(run_dir) / RUN_INPUTS_FILE).read_text(encoding="utf-8")))
    except (OSError, ValueError, TypeError):
        return None


def _data_notes(current: Mapping[str, Any] | None) -> tuple[str, ...]:
    """Sentences for the gaps: inputs given as ``none`` and logs as at a date before the period end."""
    if not current:
        return ()
    out = [
        f"No {k.split('.', 1)[-1].removesuffix('_path').removesuffix('_file').replace('_', ' ')} was given for "
        f"notebook {k.split('.', 1)[0]} (named 'none' in the parameters file), so what it would show is missing "
        "this period. Fill it by providing that input next period."
        for k in current.get("inputs_not_given") or ()
    ]
    out += [str(n) for n in current.get("data_currency_notes") or ()]
    return tuple(out)


def _previous_pack(
    settings: Settings, output_root: Path, period: Period, analyses: Sequence[Any]
) -> tuple[PublishedPack | None, str]:
    """The previous pack as found, before the like-with-like check (see :func:`_previous`)."""
    if settings.previous_run_dir is not None:
        prev_dir: Path | None = settings.previous_run_dir
        comparison = f"compared with the pack {prev_dir.name}"
        if not (prev_dir / "shareable").is_dir():
            prev_dir, comparison = (
                None,
                f"the previous pack given ({prev_dir}) has no shareable folder, so changes are not reported",
            )
    else:
        prev_dir, comparison = previous_pack_dir(output_root, period.previous().slug)
    if prev_dir is None:
        return None, comparison
    try:
        return read_pack(prev_dir, analyses), comparison
    except InputError as exc:  # a damaged earlier pack must not stop this period's report
        return None, (
            f"the previous pack {prev_dir.name} could not be read ({exc.problems[0]}), so changes are not reported"
        )


def load(
    settings: Settings, *, run_dir: Path, output_root: Path, period: Period, analyses: Sequence[Any]
) -> ReportInputs:
    """Read the pack in ``run_dir``, the previous period's pack and notebook 06's optional inputs.

    ``analyses`` are the registry records of the workbench's analyses (``ctx.analyses``): the
    report never declares its own list.

    Raises
    ------
    InputError
        An optional input given but failing its contract, or this pack's flags files malformed.
    """
    pack = read_pack(run_dir, analyses)
    current = _run_inputs(run_dir)
    previous, comparison, changes = _previous(settings, output_root, period, analyses, current)
    s = settings

    def optional(read: Any, path: Path | None) -> pd.DataFrame | None:
        """An optional input: None when not given or when it has no rows (a gap in knowledge, not a failure)."""
        frame = read(path) if path else None
        return None if frame is None or frame.empty else frame

    return ReportInputs(
        pack=pack,
        previous=previous,
        comparison=comparison,
        commentary=(
            None
            if s.commentary_path is None
            else optional(lambda path: read_commentary(path, {"priorities_path": s.priorities_path}), s.commentary_path)
        ),
        children_feedback=optional(read_children_feedback, s.children_feedback_path),
        practitioner_survey=optional(read_practitioner_survey_for_report, s.practitioner_survey_path),
        oba_spec=load_oba_spec(s.oba_path),
        setting_changes=tuple(changes),
        data_notes=_data_notes(current),
        priorities=load_priorities(s.priorities_path),
        previous_register=_previous_register(previous),
    )
