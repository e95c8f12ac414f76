"""The quarterly assurance report (notebook 04): "How are we doing?".

The report never recomputes an analysis. It reads what notebooks 01-03 **published** into the
pack being built (``shareable/tables/index.json``, the tables, the ``flags_*.csv`` files, the
figures and pages) and, for "what changed", the previous period's published pack; then it
triangulates them with what practitioners and children tell us and with the partnership's own
commentary. Because every number it uses was already protected on the way out, nothing it
writes can reveal more than the pack already does: a value suppressed in either period gives
a suppressed change.

The report's parts:

- an executive summary generated from the results;
- seven thematic sections (:data:`SECTIONS`), each citing its evidence tables and charts;
- the outcomes-based accountability view (how much did we do, how well did we do it, is
  anyone better off) for the journey, Section 11 and audit activity (:data:`DEFAULT_OBA`);
- the flags register: every row of every ``flags_<analysis>.csv``, by severity;
- what changed since the previous period (new, resolved, escalated and de-escalated flags, and
  the published numbers that moved, with direction);
- gaps in knowledge: evidence missing or too small to conclude from.

Inputs read by notebook 04 (their contracts register at import of this module):

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
"""

from __future__ import annotations

import html as _html
import json
import math
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Mapping, Sequence

import pandas as pd

from .errors import InputError, Problem
from .readers import InputContract, ROW_COLUMN, SHEET_COLUMN, display_path, read_table, register, row_problems
from .tables import FLAG_COLUMNS, SEVERITIES, Hierarchy, TableSpec

__all__ = [
    "ANALYSES",
    "SECTIONS",
    "SENTIMENTS",
    "CHILDREN_FEEDBACK_COLUMNS",
    "DEFAULT_OBA",
    "PublishedPack",
    "Report",
    "read_pack",
    "read_flags",
    "previous_pack_dir",
    "flags_register",
    "compare_flags",
    "compare_numbers",
    "oba_view",
    "oba_with_previous",
    "read_commentary",
    "read_children_feedback",
    "summarise_children_feedback",
    "read_practitioner_survey_for_report",
    "build",
    "show",
    "show_table",
    "show_figure",
    "show_commentary",
    "flags_chart",
]

ANALYSES: tuple[str, ...] = ("disproportionality", "section11", "audits")
"""The analyses whose ``flags_<analysis>.csv`` the report reads, in report order."""

ANALYSIS_PAGES: dict[str, str] = {
    "disproportionality": "01_disproportionality",
    "section11": "02_section11",
    "audits": "03_audit_synthesis",
}
ANALYSIS_TITLES: dict[str, str] = {
    "disproportionality": "disproportionality in children's journeys",
    "section11": "the Section 11 self-assessment",
    "audits": "multi-agency case audits",
}
ANALYSIS_PREFIXES: dict[str, tuple[str, ...]] = {
    "disproportionality": ("disproportionality", "dispro", "journey"),
    "section11": ("section11", "s11"),
    "audits": ("audit",),
}
"""Table and figure name prefixes by analysis (plus every table a flag cites as evidence)."""

SECTIONS: tuple[tuple[str, str], ...] = (
    ("summary", "Executive summary"),
    ("data", "What does the data tell us?"),
    ("quality_assurance", "What does quality assurance tell us?"),
    ("practitioners", "What do front-line practitioners tell us?"),
    ("children", "What is the voice of the child telling us?"),
    ("oba", "How much did we do, how well did we do it, is anyone better off?"),
    ("flags", "Flags register"),
    ("changes", "What changed since the previous period"),
    ("gaps", "Gaps in knowledge and how to fill them"),
    ("development", "Areas for development"),
    ("next_steps", "Next steps"),
)
"""(key, heading) of every report section, in order; commentary is keyed by either."""

SENTIMENTS: tuple[str, ...] = ("positive", "mixed", "neutral", "negative")
"""Sentiments of the children's feedback summary."""

CHILDREN_FEEDBACK_COLUMNS: tuple[str, ...] = ("activity", "theme", "sentiment", "children")
"""Columns of the children's and young people's feedback summary (``activity`` may be empty)."""

_SHORTHAND = ("[c]", "[z]", "[x]", "[low]")
_NUM_RE = re.compile(r"^[-+]?(\d+(\.\d*)?|\.\d+)([eE][-+]?\d+)?$")
_NOT_COMPARED = re.compile(r"(^|_)(lower|upper|lcl|ucl|ci|p|q|p_value|q_value|se|z|method|indicative|shown|flag)(_|$)|_95$|_998$")
_LABEL_RE = re.compile(r"^[A-Za-z][A-Za-z '&,/()-]*$")

_ALL = {"measure": "rate_per_10000", "group_type": "all", "group": "All children"}
DEFAULT_OBA: tuple[dict[str, Any], ...] = (
    # journey (notebook 01): the published disproportionality grid, all children
    {"area": "Children's journeys", "question": "How much did we do?", "label": "Children referred to children's social care (12 months)",
     "table": "disproportionality", "where": {"stage": "referral", **_ALL}, "column": "count"},
    {"area": "Children's journeys", "question": "How much did we do?", "label": "Children starting a child protection plan (12 months)",
     "table": "disproportionality", "where": {"stage": "cpp_start", **_ALL}, "column": "count"},
    {"area": "Children's journeys", "question": "How well did we do it?",
     "label": "Children assessed, per cent of children at the feeder stage",
     "table": "disproportionality", "where": {"stage": "assessment", "measure": "conversion", "group_type": "all",
                                             "group": "All children"}, "column": "value"},
    {"area": "Children's journeys", "question": "How well did we do it?", "label": "High severity disproportionality flags",
     "flags": "disproportionality", "severity": "high"},
    {"area": "Children's journeys", "question": "Is anyone better off?", "label": "Disproportionality flags resolved since the previous period",
     "resolved": "disproportionality"},
    # Section 11 (notebook 02)
    {"area": "Section 11", "question": "How much did we do?", "label": "Agencies whose Section 11 return was received",
     "table": "section11_returns_received", "where": {"status": ["on time", "late"]}, "aggregate": "rows"},
    {"area": "Section 11", "question": "How well did we do it?", "label": "Agencies whose return was received on time",
     "table": "section11_returns_received", "where": {"status": "on time"}, "aggregate": "rows"},
    {"area": "Section 11", "question": "How well did we do it?", "label": "High severity Section 11 flags",
     "flags": "section11", "severity": "high"},
    {"area": "Section 11", "question": "Is anyone better off?", "label": "Section 11 flags resolved since the previous period",
     "resolved": "section11"},
    # audits (notebook 03)
    {"area": "Case audits", "question": "How much did we do?", "label": "Cases audited this period",
     "table": "audit_register", "where": {"role": "this period"}, "column": "n_cases", "aggregate": "sum"},
    {"area": "Case audits", "question": "How much did we do?", "label": "Actions in the partnership's action log",
     "table": "audit_actions_summary", "where": {"by": "all"}, "column": "n_actions"},
    {"area": "Case audits", "question": "How well did we do it?", "label": "Actions complete (per cent)",
     "table": "audit_actions_summary", "where": {"by": "all"}, "column": "pct_complete"},
    {"area": "Case audits", "question": "How well did we do it?", "label": "High severity audit flags",
     "flags": "audits", "severity": "high"},
    {"area": "Case audits", "question": "Is anyone better off?", "label": "Actions complete with evidence of impact",
     "table": "audit_actions_summary", "where": {"by": "all"}, "column": "n_complete_with_impact"},
    {"area": "Case audits", "question": "Is anyone better off?", "label": "Audit flags resolved since the previous period",
     "resolved": "audits"},
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
        order, analyses in :data:`ANALYSES` order.
    missing_flags : tuple of str
        Analyses whose flags file is not in the pack.
    figures : tuple of str
        Figure names (``shareable/figures/<name>.png``).
    pages : tuple of str
        Scrutineer pages present (``shareable/<notebook>.html``).
    """

    run_dir: Path
    declarations: dict[str, dict[str, Any]]
    tables: dict[str, pd.DataFrame]
    flags: pd.DataFrame
    missing_flags: tuple[str, ...]
    figures: tuple[str, ...]
    pages: tuple[str, ...]


def _read_csv_text(path: Path) -> pd.DataFrame:
    df = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    return df.astype(object)


def read_flags(shareable: Path) -> tuple[pd.DataFrame, tuple[str, ...]]:
    """Read every analysis's flags file, exactly as published.

    Parameters
    ----------
    shareable : Path
        A pack's ``shareable/`` folder.

    Returns
    -------
    (DataFrame, tuple of str)
        The union of the flags (columns :data:`FLAG_COLUMNS`, every value as text, file order,
        analyses in :data:`ANALYSES` order) and the analyses whose flags file is absent.

    Raises
    ------
    InputError
        A flags file lacking a flag column, or a row with an unknown severity or no statement
        (naming the file, row, value and what was expected).
    """
    frames: list[pd.DataFrame] = []
    missing: list[str] = []
    problems: list[Problem] = []
    for a in ANALYSES:
        f = shareable / "tables" / f"flags_{a}.csv"
        if not f.is_file():
            missing.append(a)
            continue
        shown = display_path(f)
        df = _read_csv_text(f)
        lacking = [c for c in FLAG_COLUMNS if c not in df.columns]
        if lacking:
            problems += [Problem(file=shown, column=c, message="is missing",
                                 expected=f"the flag columns {', '.join(FLAG_COLUMNS)}") for c in lacking]
            continue
        df = df[list(FLAG_COLUMNS)].copy()
        df.insert(0, ROW_COLUMN, range(2, len(df) + 2))
        bad_sev = ~df["severity"].isin(SEVERITIES)
        problems += row_problems(df, bad_sev, shown, "severity", f"one of: {', '.join(SEVERITIES)}")
        problems += row_problems(df, df["statement"].astype(str).str.strip().eq(""), shown, "statement",
                                 "one plain-English sentence")
        frames.append(df.drop(columns=[ROW_COLUMN]))
    if problems:
        raise InputError(problems)
    flags = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=list(FLAG_COLUMNS))
    return flags.astype(object).reset_index(drop=True), tuple(missing)


def read_pack(run_dir: Path | str) -> PublishedPack:
    """Read back what a pack published (see :class:`PublishedPack`).

    The report's own tables (names starting ``report_``) are left out, so a rerun of notebook
    04 into the same pack reads exactly what notebooks 01-03 published.
    """
    run_dir = Path(run_dir)
    share = run_dir / "shareable"
    idx = share / "tables" / "index.json"
    decls: dict[str, dict[str, Any]] = {}
    if idx.is_file():
        raw = json.loads(idx.read_text(encoding="utf-8"))
        for d in (raw.get("tables", []) if isinstance(raw, dict) else raw):
            if not str(d.get("name", "")).startswith("report_"):
                decls[str(d["name"])] = dict(d)
    tables: dict[str, pd.DataFrame] = {}
    for name, d in decls.items():
        f = share / "tables" / str(d.get("file") or f"{name}.csv")
        if f.is_file():
            tables[name] = _read_csv_text(f)
    flags, missing = read_flags(share)
    figs = tuple(sorted(p.stem for p in (share / "figures").glob("*.png"))) if (share / "figures").is_dir() else ()
    pages = tuple(nb for nb in ANALYSIS_PAGES.values() if (share / f"{nb}.html").is_file())
    return PublishedPack(run_dir, decls, tables, flags, missing, figs, pages)


def previous_pack_dir(output_root: Path, previous_slug: str) -> tuple[Path | None, str]:
    """The previous period's last good pack, named by ``outputs/<slug>/LATEST``.

    Returns
    -------
    (Path or None, str)
        The pack folder (or None) and a sentence saying what was found.
    """
    latest = Path(output_root) / previous_slug / "LATEST"
    if not latest.is_file():
        return None, f"no pack of the previous period ({previous_slug}) was found, so changes are not reported"
    run_id = latest.read_text(encoding="utf-8").strip()
    pack = latest.parent / run_id
    if not run_id or not (pack / "shareable").is_dir():
        return None, (f"the previous period's LATEST file names a pack ({run_id or 'empty'}) that is not there, "
                      "so changes are not reported")
    return pack, f"compared with the previous period's pack {previous_slug}/{run_id}"


# =========================================================================== flags
def _flag_keys(df: pd.DataFrame) -> pd.Series:
    """A flag's identity across periods: analysis, category, subject, measure (+ occurrence)."""
    base = df["analysis"].astype(str) + "|" + df["category"].astype(str) + "|" + df["subject"].astype(str) + "|" + \
        df["measure"].astype(str)
    occ = base.groupby(base).cumcount().astype(str)
    return base + "|" + occ


def flags_register(flags: pd.DataFrame, previous: pd.DataFrame | None = None) -> pd.DataFrame:
    """The flags register: every flag, grouped and ordered by severity, nothing lost or invented.

    Parameters
    ----------
    flags : DataFrame
        This period's flags (from :func:`read_flags`).
    previous : DataFrame, optional
        The previous period's flags; when given, ``status`` says whether each flag is new.

    Returns
    -------
    DataFrame
        ``ref`` (``H1``, ``H2``, ``M1`` ...), the :data:`FLAG_COLUMNS` exactly as published, and
        ``status`` (``new``, ``continuing`` or ``not compared``). Ordered high, medium, low; within
        a severity by analysis (:data:`ANALYSES` order) and then as published.

    Examples
    --------
    >>> f = pd.DataFrame([dict.fromkeys(FLAG_COLUMNS, "x") | {"severity": s, "analysis": "audits"} for s in ("low", "high")])
    >>> flags_register(f)[["ref", "severity", "status"]].to_dict("records")
    [{'ref': 'H1', 'severity': 'high', 'status': 'not compared'}, {'ref': 'L1', 'severity': 'low', 'status': 'not compared'}]
    """
    d = flags[list(FLAG_COLUMNS)].copy().astype(object).reset_index(drop=True)
    d["_order"] = range(len(d))
    d["_sev"] = d["severity"].map({s: i for i, s in enumerate(SEVERITIES)})
    d["_an"] = d["analysis"].map({a: i for i, a in enumerate(ANALYSES)}).fillna(len(ANALYSES))
    if previous is None:
        status = pd.Series("not compared", index=d.index, dtype=object)
    else:
        prev_keys = set(_flag_keys(previous.astype(object)))
        status = _flag_keys(d).map(lambda k: "continuing" if k in prev_keys else "new").astype(object)
    d["status"] = status
    d = d.sort_values(["_sev", "_an", "_order"], kind="stable").reset_index(drop=True)
    d.insert(0, "ref", [f"{str(s)[0].upper()}{i + 1}" for s, i in zip(d["severity"], d.groupby("severity").cumcount())])
    return d[["ref", *FLAG_COLUMNS, "status"]]


def compare_flags(current: pd.DataFrame, previous: pd.DataFrame) -> pd.DataFrame:
    """New, resolved, escalated and de-escalated flags between two periods.

    A flag is the same flag in both periods when its analysis, category, subject and measure
    match. Returns ``change`` (``new``, ``resolved``, ``escalated``, ``de-escalated``),
    ``previous_severity`` and the flag columns (this period's row; the previous period's for a
    resolved flag), ordered by change then severity.
    """
    cur = current[list(FLAG_COLUMNS)].astype(object).reset_index(drop=True)
    prev = previous[list(FLAG_COLUMNS)].astype(object).reset_index(drop=True)
    ck, pk = _flag_keys(cur), _flag_keys(prev)
    pmap = dict(zip(pk, prev["severity"]))
    rows = []
    rank = {s: i for i, s in enumerate(SEVERITIES)}
    for k, (_, r) in zip(ck, cur.iterrows()):
        if k not in pmap:
            rows.append({"change": "new", "previous_severity": "", **r.to_dict()})
        elif pmap[k] != r["severity"]:
            ch = "escalated" if rank.get(r["severity"], 9) < rank.get(pmap[k], 9) else "de-escalated"
            rows.append({"change": ch, "previous_severity": pmap[k], **r.to_dict()})
    cset = set(ck)
    for k, (_, r) in zip(pk, prev.iterrows()):
        if k not in cset:
            rows.append({"change": "resolved", "previous_severity": r["severity"], **r.to_dict()})
    out = pd.DataFrame(rows, columns=["change", "previous_severity", *FLAG_COLUMNS]).astype(object)
    order = {c: i for i, c in enumerate(("new", "escalated", "resolved", "de-escalated"))}
    out["_c"] = out["change"].map(order)
    out["_s"] = out["severity"].map(rank)
    return out.sort_values(["_c", "_s"], kind="stable").drop(columns=["_c", "_s"]).reset_index(drop=True)


# =========================================================================== numbers that moved
def _is_num(v: Any) -> bool:
    return isinstance(v, str) and bool(_NUM_RE.match(v.strip()))


def _decimals(v: str) -> int:
    v = v.strip()
    return len(v.split(".", 1)[1]) if "." in v and "e" not in v.lower() else 0


def _compared_columns(decl: Mapping[str, Any], cur: pd.DataFrame, prev: pd.DataFrame) -> list[str]:
    keys = list(decl.get("keys") or [])
    counts = [c for c in (decl.get("counts") or []) if c in cur.columns and c in prev.columns]
    out = list(counts)
    for c in cur.columns:
        if c in keys or c in out or c not in prev.columns or _NOT_COMPARED.search(c.lower()):
            continue
        vals = [v for v in (*cur[c], *prev[c]) if isinstance(v, str) and v.strip() != ""]
        if vals and all(_is_num(v) or v in _SHORTHAND for v in vals) and any(_is_num(v) for v in vals):
            out.append(c)
    return out


def _key_text(keys: Sequence[str], row: Mapping[str, Any]) -> str:
    return "; ".join(f"{k}={row[k]}" for k in keys)


def compare_numbers(current: PublishedPack, previous: PublishedPack, *, suppressed: str = "[c]") -> tuple[pd.DataFrame, list[str]]:
    """Published numbers that moved between two packs, with direction.

    Only published values are compared: tables of the same name in both packs, rows matched on
    the declared ``keys`` (leaving out a key column whose values the two periods never share,
    such as ``period``), in the declared count columns and every other numeric column except
    interval bounds, p- and q-values. A value suppressed (or otherwise not a number) in either
    period gives a change of ``[c]`` (or ``[x]``), never a number.

    Returns
    -------
    (DataFrame, list of str)
        Rows ``table, key, measure, previous, current, change, direction`` for every compared
        cell whose value changed or could not be compared (direction ``up``, ``down`` or
        ``not comparable``), and sentences naming tables that could not be compared.
    """
    rows: list[dict[str, Any]] = []
    notes: list[str] = []
    for name in sorted(set(current.tables) & set(previous.tables)):
        if name.startswith("flags_"):
            continue
        decl = current.declarations[name]
        keys = [k for k in (decl.get("keys") or [])]
        cur, prev = current.tables[name], previous.tables[name]
        if not keys or any(k not in cur.columns or k not in prev.columns for k in keys):
            notes.append(f"table {name} declares no key columns present in both periods, so its numbers were not compared")
            continue
        # a key column whose values the two periods never share (the period itself, a window ending on the
        # period's last day) says which period a row is for: rows are matched on the other keys
        keys = [k for k in keys if set(cur[k].astype(str)) & set(prev[k].astype(str))]
        if not keys:
            notes.append(f"table {name}: no key column has values in common between the periods, so its numbers were not compared")
            continue
        if cur.duplicated(keys).any() or prev.duplicated(keys).any():
            notes.append(f"table {name}: its key columns do not identify one row, so its numbers were not compared")
            continue
        cols = _compared_columns(decl, cur, prev)
        m = cur.merge(prev, on=keys, how="inner", suffixes=("__cur", "__prev"))
        only_new = len(cur) - len(m)
        only_old = len(prev) - len(m)
        if only_new or only_old:
            notes.append(f"table {name}: {only_new} row(s) appear only this period and {only_old} only in the previous period")
        for _, r in m.iterrows():
            key = _key_text(keys, r)
            for c in cols:
                a, b = str(r[f"{c}__prev"]), str(r[f"{c}__cur"])
                if _is_num(a) and _is_num(b):
                    diff = float(b) - float(a)
                    dec = max(_decimals(a), _decimals(b))
                    diff = round(diff, dec)
                    if diff == 0:
                        continue
                    change = f"{diff:+.{dec}f}"
                    direction = "up" if diff > 0 else "down"
                else:
                    if a == b:
                        continue
                    change = suppressed if suppressed in (a, b) else "[x]"
                    direction = "not comparable"
                rows.append({"table": name, "key": key, "measure": c, "previous": a, "current": b,
                             "change": change, "direction": direction})
    out = pd.DataFrame(rows, columns=["table", "key", "measure", "previous", "current", "change", "direction"])
    return out.astype(object), notes


# =========================================================================== OBA view
def oba_view(pack: PublishedPack, spec: Sequence[Mapping[str, Any]], changes: pd.DataFrame | None) -> pd.DataFrame:
    """The outcomes-based accountability view (see :data:`DEFAULT_OBA`).

    Returns
    -------
    DataFrame
        ``area, question, measure, value, evidence_table, evidence_key, note``; values are
        published values (or counts of flags); ``[x]`` where the evidence is not in the pack.
    """
    rows = []
    for e in spec:
        base = {"area": e["area"], "question": e["question"], "measure": e["label"]}
        if "flags" in e:
            f = pack.flags[pack.flags["analysis"].eq(e["flags"])]
            if e.get("severity"):
                f = f[f["severity"].eq(e["severity"])]
            if e["flags"] in pack.missing_flags:
                rows.append({**base, "value": "[x]", "evidence_table": f"flags_{e['flags']}", "evidence_key": "",
                             "note": "the analysis published no flags file this period"})
            else:
                rows.append({**base, "value": str(len(f)), "evidence_table": f"flags_{e['flags']}",
                             "evidence_key": f"severity={e['severity']}" if e.get("severity") else "", "note": ""})
        elif "resolved" in e:
            if changes is None:
                rows.append({**base, "value": "[x]", "evidence_table": "report_flag_changes", "evidence_key": "",
                             "note": "no previous pack to compare with"})
            else:
                n = int((changes["change"].eq("resolved") & changes["analysis"].eq(e["resolved"])).sum())
                rows.append({**base, "value": str(n), "evidence_table": "report_flag_changes",
                             "evidence_key": f"change=resolved; analysis={e['resolved']}", "note": ""})
        else:
            rows.append({**base, **_oba_cell(pack, e)})
    return pd.DataFrame(rows, columns=["area", "question", "measure", "value", "evidence_table", "evidence_key", "note"]).astype(object)


def _oba_cell(pack: PublishedPack, e: Mapping[str, Any]) -> dict[str, str]:
    """One table-based OBA measure: ``value`` (one row), ``sum`` or ``rows`` of the matching rows."""
    t = pack.tables.get(e["table"])
    where = dict(e.get("where") or {})
    how = e.get("aggregate", "value")
    key = "; ".join(f"{k}={'|'.join(map(str, v)) if isinstance(v, list) else v}" for k, v in where.items())
    out = {"evidence_table": e["table"], "evidence_key": key}
    need = [k for k in where] + ([e["column"]] if how != "rows" else [])
    if t is None or any(c not in t.columns for c in need):
        return {**out, "value": "[x]", "note": "this table or column is not in the pack"}
    sel = t
    for k, v in where.items():
        allowed = [str(x) for x in v] if isinstance(v, list) else [str(v)]
        sel = sel[sel[k].astype(str).isin(allowed)]
    if how == "rows":
        return {**out, "value": str(len(sel)), "note": "number of matching rows of the published table"}
    if len(sel) == 0:
        return {**out, "value": "[x]", "note": "no row of the table matches"}
    vals = [str(v) for v in sel[e["column"]]]
    if how == "sum":
        if not all(_is_num(v) for v in vals):
            sup = next((v for v in vals if v in _SHORTHAND), "[x]")
            return {**out, "value": sup, "note": f"a value to add up is not published as a number ({sup})"}
        total = sum(float(v) for v in vals)
        return {**out, "value": f"{total:g}", "note": f"sum of {len(vals)} published values"}
    if len(sel) > 1:
        return {**out, "value": "[x]", "note": f"{len(sel)} rows match; the measure needs exactly one"}
    return {**out, "value": vals[0], "note": ""}


def oba_with_previous(current: pd.DataFrame, previous: pd.DataFrame, *, suppressed: str = "[c]") -> pd.DataFrame:
    """Add the previous period's value, the change and its direction to the OBA view.

    Measures "resolved since the previous period" have no previous value (``[z]``). A value not
    published as a number in either period gives no numeric change: ``[c]`` when one of them
    is suppressed, otherwise ``[x]``.

    Examples
    --------
    >>> cur = pd.DataFrame({"measure": ["a", "b", "c"], "value": ["12", "[c]", "7"]})
    >>> prev = pd.DataFrame({"measure": ["a", "b", "c"], "value": ["10", "9", "7"]})
    >>> oba_with_previous(cur, prev)[["previous", "change", "direction"]].values.tolist()
    [['10', '+2', 'up'], ['9', '[c]', 'not comparable'], ['7', '0', 'no change']]
    """
    out = current.copy()
    pv = dict(zip(previous["measure"], previous["value"]))
    prevs, changes, dirs = [], [], []
    for m, v, resolved in zip(out["measure"], out["value"], out.get("evidence_table", pd.Series([""] * len(out)))):
        a = str(pv.get(m, "[x]"))
        if resolved == "report_flag_changes":
            prevs.append("[z]"); changes.append("[z]"); dirs.append("not applicable")
            continue
        b = str(v)
        prevs.append(a)
        if _is_num(a) and _is_num(b):
            dec = max(_decimals(a), _decimals(b))
            d = round(float(b) - float(a), dec)
            changes.append(f"{d:+.{dec}f}" if d else "0")
            dirs.append("up" if d > 0 else ("down" if d < 0 else "no change"))
        else:
            changes.append(suppressed if suppressed in (a, b) else "[x]")
            dirs.append("not comparable")
    out.insert(out.columns.get_loc("value"), "previous", prevs)
    out.insert(out.columns.get_loc("value") + 1, "change", changes)
    out.insert(out.columns.get_loc("change") + 1, "direction", dirs)
    return out.astype(object)


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
            problems.append(Problem(file=shown, place=f"item {i}", message="names no evidence",
                                    expected="one of the keys table (with column), flags or resolved"))
        if e.get("aggregate", "value") not in ("value", "sum", "rows"):
            problems.append(Problem(file=shown, place=f"item {i}", key="aggregate", value=str(e.get("aggregate")),
                                    expected="one of: value, sum, rows"))
        if "table" in e and e.get("aggregate") != "rows" and not isinstance(e.get("column"), str):
            problems.append(Problem(file=shown, place=f"item {i}", key="column", message="is missing",
                                    expected="the column of the table holding the value"))
    if problems:
        raise InputError(problems)
    return tuple(raw)


# =========================================================================== commentary
_HEADINGS = {h.lower().rstrip("?").strip(): k for k, h in SECTIONS} | {k: k for k, _ in SECTIONS}


def _section_key(text: str) -> str | None:
    return _HEADINGS.get(re.sub(r"^\d+[.)]?\s*", "", text.strip()).lower().rstrip("?").strip())


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
    known = "; ".join(h for _, h in SECTIONS)
    problems: list[Problem] = []
    rows: list[dict[str, Any]] = []
    seen: dict[str, int] = {}
    try:
        text = p.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError:
        raise InputError(Problem(file=shown, message="is not UTF-8 text")) from None
    if p.suffix.lower() in (".yaml", ".yml"):
        import yaml

        try:
            raw = yaml.safe_load(text) or {}
        except yaml.YAMLError as exc:
            mark = getattr(exc, "problem_mark", None)
            raise InputError(Problem(file=shown, place=f"line {mark.line + 1}" if mark else "",
                                     message="is not valid YAML")) from None
        if not isinstance(raw, dict):
            raise InputError(Problem(file=shown, message="expected a mapping of report section to text"))
        for i, (k, v) in enumerate(raw.items(), 1):
            key = _section_key(str(k))
            if key is None:
                problems.append(Problem(file=shown, key=str(k), message="is not a report section",
                                        expected=f"one of: {known}"))
                continue
            if v is None:
                continue
            if not isinstance(v, str):
                problems.append(Problem(file=shown, key=str(k), value=str(v)[:40], expected="text (a YAML string)"))
                continue
            if key in seen:
                problems.append(Problem(file=shown, key=str(k), message="repeats a section", expected="each section once"))
                continue
            seen[key] = i
            if v.strip():
                rows.append({"section": key, "heading": dict(SECTIONS)[key], "text": v.strip(), ROW_COLUMN: i})
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
                key = _section_key(m.group(1))
                if key is None:
                    problems.append(Problem(file=shown, place=f"line {n}", value=m.group(1),
                                            expected=f"a report section heading (one of: {known})"))
                    current = None
                    body = ["x"]  # text under an unknown heading is not reported again
                    continue
                if key in seen:
                    problems.append(Problem(file=shown, place=f"line {n}", value=m.group(1),
                                            message="repeats the section first given", expected=f"each section once (first at line {seen[key]})"))
                    current = None
                    body = ["x"]
                    continue
                seen[key] = n
                current = {"section": key, "heading": dict(SECTIONS)[key], ROW_COLUMN: n}
            elif current is None and not body:
                if line.strip() and not re.match(r"^#\s", line):
                    problems.append(Problem(file=shown, place=f"line {n}", message="text before the first section heading",
                                            expected="a '## <report section>' heading first (an optional '# title' line may come before it)"))
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
            problems.append(Problem(file=shown, column=c, message="is missing",
                                    expected=f"the columns {', '.join(CHILDREN_FEEDBACK_COLUMNS)} (the file has: {', '.join(have) or 'none'})"))
    for c in have:
        if c not in CHILDREN_FEEDBACK_COLUMNS:
            problems.append(Problem(file=shown, column=c, message="is not part of the summary",
                                    expected=f"only the columns {', '.join(CHILDREN_FEEDBACK_COLUMNS)}: counts by theme and "
                                             "sentiment, never free text"))
    if problems:
        raise InputError(problems)
    if "activity" not in df.columns:
        df["activity"] = pd.NA
    df = df.copy()
    for c in ("activity", "theme", "sentiment", "children"):
        df[c] = df[c].astype("string")

    def label_ok(s: pd.Series) -> pd.Series:
        return s.fillna("").map(lambda v: bool(_LABEL_RE.match(v)) and len(v) <= 60 and len(v.split()) <= 8).astype(bool)

    problems += row_problems(df, df["theme"].isna(), shown, "theme", "a theme label")
    problems += row_problems(df, df["theme"].notna() & ~label_ok(df["theme"]), shown, "theme",
                             "a short theme label (letters, spaces and '&,/()-, at most 60 characters and 8 words), not free text",
                             show_value=False, message="is not a short label")
    problems += row_problems(df, df["activity"].notna() & ~label_ok(df["activity"]), shown, "activity",
                             "a short activity label (letters, spaces and '&,/()-, at most 60 characters and 8 words)",
                             show_value=False, message="is not a short label")
    sent = df["sentiment"].str.lower().str.strip()
    problems += row_problems(df, ~sent.isin(list(SENTIMENTS)).fillna(False).astype(bool), shown, "sentiment",
                             f"one of: {', '.join(SENTIMENTS)}")
    num_ok = df["children"].fillna("").str.fullmatch(r"\d+").fillna(False).astype(bool)
    problems += row_problems(df, ~num_ok, shown, "children", "a whole number of 0 or more")
    if not problems:
        df["sentiment"] = sent
        key = df["activity"].fillna("").astype(str) + "|" + df["theme"].str.lower() + "|" + df["sentiment"]
        dup = key.duplicated(keep="first")
        first = {k: r for k, r in zip(key[~dup], df.loc[~dup, ROW_COLUMN])}
        for i in df.index[dup]:
            problems.append(Problem(file=shown, place=f"row {int(df.at[i, ROW_COLUMN])}",
                                    message=f"repeats activity, theme and sentiment of row {int(first[key[i]])}",
                                    expected="one row per activity, theme and sentiment"))
    if problems:
        raise InputError(problems)
    df["children"] = df["children"].astype(int)
    return df[[c for c in (ROW_COLUMN, SHEET_COLUMN) if c in df.columns] + list(CHILDREN_FEEDBACK_COLUMNS)].reset_index(drop=True)


def summarise_children_feedback(df: pd.DataFrame) -> pd.DataFrame:
    """Children giving feedback by theme and sentiment, with an ``All sentiments`` row per theme.

    Activities are added together. Returns ``theme, sentiment, children`` (true counts: the
    disclosure rule is applied when the table is published), themes in order of total feedback.

    Examples
    --------
    >>> d = pd.DataFrame({"activity": ["A", "B"], "theme": ["Feeling safe", "Feeling safe"],
    ...                   "sentiment": ["positive", "positive"], "children": [7, 5]})
    >>> summarise_children_feedback(d).to_dict("records")
    [{'theme': 'Feeling safe', 'sentiment': 'All sentiments', 'children': 12}, {'theme': 'Feeling safe', 'sentiment': 'positive', 'children': 12}]
    """
    g = df.groupby(["theme", "sentiment"], as_index=False)["children"].sum()
    tot = g.groupby("theme", as_index=False)["children"].sum().assign(sentiment="All sentiments")
    order = tot.sort_values(["children", "theme"], ascending=[False, True])["theme"].tolist()
    out = pd.concat([tot, g], ignore_index=True)
    out["_t"] = out["theme"].map({t: i for i, t in enumerate(order)})
    out["_s"] = out["sentiment"].map({"All sentiments": -1, **{s: i for i, s in enumerate(SENTIMENTS)}})
    out = out.sort_values(["_t", "_s"]).drop(columns=["_t", "_s"]).reset_index(drop=True)
    out["children"] = out["children"].astype("int64")
    return out[["theme", "sentiment", "children"]].astype({"theme": object, "sentiment": object})


CHILDREN_FEEDBACK_SPEC = TableSpec(
    name="report_children_feedback",
    title="Children and young people's feedback from participation work, by theme and sentiment",
    unit="children", rule="children-counts",
    source="Participation activities' feedback summary (counts only, no free text)",
    notes=("Counts of children and young people who gave feedback of each sentiment on each theme; a child who took "
           "part in more than one activity may be counted more than once. 'All sentiments' is the total of a theme."),
    keys=("theme", "sentiment"), counts=("children",),
    hierarchies=(Hierarchy(column="sentiment", total="All sentiments", parts=SENTIMENTS, within=("theme",)),),
)


def read_practitioner_survey_for_report(path: Path | str, params: Mapping[str, Any] | None = None) -> pd.DataFrame:
    """The practitioner survey for notebook 04, read by the contract shared with Section 11."""
    from .voice import read_practitioner_survey

    return read_practitioner_survey(path, params or {})


register(InputContract(
    name="report_commentary", notebook="04_assurance_report", parameter="commentary_path", read=read_commentary,
    description="the analyst's commentary for the period, keyed by report section (Markdown or YAML)", optional=True,
))
register(InputContract(
    name="children_feedback", notebook="04_assurance_report", parameter="children_feedback_path",
    read=read_children_feedback, optional=True,
    description="children's and young people's feedback summary: counts by theme and sentiment, no free text",
))
register(InputContract(
    name="practitioner_survey_report", notebook="04_assurance_report", parameter="practitioner_survey_path",
    read=read_practitioner_survey_for_report, optional=True, identifier_columns=("respondent",),
    description="practitioner survey (the contract shared with Section 11), summarised by theme in the report",
))


# =========================================================================== building the report
REPORT_TABLE_NOTE = ("Every value here was read from a table already published (and protected) in this pack or the "
                     "previous period's pack; nothing was recomputed from children's records.")


@dataclass
class Report:
    """The built report: its sections (Markdown) and the frames it published.

    Attributes
    ----------
    sections : dict
        Section key (:data:`SECTIONS`) -> the generated Markdown.
    commentary : dict
        Section key -> the partnership's commentary block (its own words, marked as such) or a
        sentence saying there is none.
    tables : dict
        ``register``, ``flag_changes``, ``number_changes``, ``oba``, ``children``,
        ``practitioners``: the published frames (absent parts are missing).
    gaps : list of str
        The gaps in knowledge found.
    comparison : str
        A sentence on what the changes were computed against.
    """

    sections: dict[str, str]
    tables: dict[str, pd.DataFrame] = field(default_factory=dict)
    figure: Any = None
    commentary: dict[str, str] = field(default_factory=dict)
    captions: dict[str, str] = field(default_factory=dict)
    gaps: list[str] = field(default_factory=list)
    comparison: str = ""

    @property
    def markdown(self) -> str:
        """The whole report as one Markdown document."""
        parts = []
        for key, heading in SECTIONS:
            parts.append(f"## {heading}\n\n{self.sections.get(key, '')}\n{self.commentary.get(key, '')}\n")
        return "\n".join(parts)


def _link_table(name: str, decls: Mapping[str, Mapping[str, Any]]) -> str:
    d = decls.get(name, {})
    file = d.get("file") or f"{name}.csv"
    return f"[{d.get('title') or name}](tables/{file})"


def _fmt_value(v: Any, suppressed: str = "[c]") -> str:
    s = str(v)
    if s == suppressed:
        return f"{suppressed} (suppressed: a small number)"
    return s or "not given"


def _evidence_for(analysis: str, pack: PublishedPack) -> tuple[list[str], list[str]]:
    cited = set(pack.flags.loc[pack.flags["analysis"].eq(analysis), "evidence_table"].astype(str)) - {""}
    prefixes = ANALYSIS_PREFIXES.get(analysis, (analysis,))
    tables = sorted(n for n in pack.declarations if (n in cited or n.startswith(prefixes)) and n != f"flags_{analysis}")
    if f"flags_{analysis}" in pack.declarations:
        tables.append(f"flags_{analysis}")
    figs = sorted(f for f in pack.figures if f.startswith(prefixes))
    return tables, figs


def _evidence_md(analysis: str, pack: PublishedPack) -> str:
    tables, figs = _evidence_for(analysis, pack)
    page = ANALYSIS_PAGES[analysis]
    lines = []
    if page in pack.pages:
        lines.append(f"- The full analysis: [{ANALYSIS_TITLES[analysis]}]({page}.html)")
    for t in tables:
        lines.append(f"- Table: {_link_table(t, pack.declarations)}")
    for f in figs:
        lines.append(f"- Chart: [{f.replace('_', ' ')}](figures/{f}.png) (data table: [CSV](figures/{f}.csv))")
    if not lines:
        return "Evidence: none published this period.\n"
    return "Evidence:\n\n" + "\n".join(lines) + "\n"


def _flags_md(flags: pd.DataFrame, pack: PublishedPack, suppressed: str, *, limit: int = 8) -> str:
    """The high severity flags (at most ``limit``), then counts of the rest, pointing to the register."""
    if flags.empty:
        return "No flags were raised.\n"
    out = []
    high = flags[flags["severity"].eq("high")]
    for _, r in high.head(limit).iterrows():
        ev = _link_table(str(r["evidence_table"]), pack.declarations) if r["evidence_table"] else "no table cited"
        key = f" ({r['evidence_key']})" if str(r["evidence_key"]) else ""
        val = f" The value is {_fmt_value(r['value'], suppressed)}." if str(r["value"]) == suppressed else ""
        out.append(f"- **High severity:** {r['statement']}{val} Evidence: {ev}{key}.")
    rest = {s: int(flags["severity"].eq(s).sum()) for s in SEVERITIES}
    rest["high"] = max(0, rest["high"] - limit)
    parts = [f"{n} {'more ' if s == 'high' else ''}{s} severity" for s, n in rest.items() if n]
    if parts:
        out.append(f"- {', '.join(parts)} flag{'s' if sum(rest.values()) != 1 else ''}: see the flags register (section 7).")
    counts = ", ".join(f"{int(flags['severity'].eq(s).sum())} {s}" for s in SEVERITIES)
    head = f"{len(flags)} flag{'s' if len(flags) != 1 else ''} ({counts}):\n\n"
    return head + "\n".join(out) + "\n"


def _commentary_md(section: str, commentary: Mapping[str, str], withheld: set[str]) -> str:
    if section in commentary:
        body = "\n".join("> " + ln if ln.strip() else ">" for ln in commentary[section].splitlines())
        return ("\n**The partnership's commentary** (in its own words, not generated from the data):\n\n"
                f"{body}\n")
    if section in withheld:
        return ("\n*The partnership's commentary for this section could not be cleared by the redaction guard and is "
                "left out of the shareable pack (the run log counts it).*\n")
    return "\n*The partnership has not added commentary to this section.*\n"


def _pct(v: Any) -> str:
    try:
        x = float(v)
    except (TypeError, ValueError):
        return str(v)
    return f"{x * 100:.0f}%" if not math.isnan(x) else "not shown"


def build(ctx: Any, *, previous_run_dir: str | Path | None = None) -> Report:
    """Build and publish the quarterly report from the pack in ``ctx.run_dir``.

    Reads this pack's published results of notebooks 01-03, the previous period's pack (named
    by ``outputs/<previous slug>/LATEST``, or ``previous_run_dir`` when given, or the notebook
    parameter of that name), and the
    optional inputs of notebook 04 (``commentary_path``, ``children_feedback_path``,
    ``practitioner_survey_path``, ``oba_path`` in ``ctx.params``). Publishes
    ``report_flags_register``, ``report_flag_changes`` and ``report_number_changes`` (when a
    previous pack exists), ``report_oba``, ``report_children_feedback`` and
    ``report_practitioner_survey`` (when given), the cleared commentary
    (``text/commentary_<section>.md``) and the whole report (``text/assurance_report.md``).

    Returns
    -------
    Report
        What the notebook displays (:func:`show`, :func:`show_table`).
    """
    cfg = ctx.config
    sup = cfg.disclosure.suppressed
    pack = read_pack(ctx.run_dir)
    if previous_run_dir is None:
        previous_run_dir = ctx.path("previous_run_dir")
    if previous_run_dir:
        prev_dir: Path | None = Path(previous_run_dir)
        comparison = f"compared with the pack {prev_dir.name}"
        if not (prev_dir / "shareable").is_dir():
            prev_dir, comparison = None, f"the previous pack given ({prev_dir}) has no shareable folder, so changes are not reported"
    else:
        prev_dir, comparison = previous_pack_dir(cfg.output_root, cfg.period.previous().slug)
    prev = None
    if prev_dir is not None:
        try:
            prev = read_pack(prev_dir)
        except InputError as exc:  # a damaged earlier pack must not stop this period's report
            comparison = (f"the previous pack {prev_dir.name} could not be read ({exc.problems[0]}), "
                          "so changes are not reported")
    prev_label = cfg.period.previous().label

    # -- optional inputs (validated by their contracts)
    params = ctx.params
    commentary_df = read_commentary(ctx.path("commentary_path"), params) if ctx.path("commentary_path") else None
    children_df = read_children_feedback(ctx.path("children_feedback_path"), params) if ctx.path("children_feedback_path") else None
    survey_df = (read_practitioner_survey_for_report(ctx.path("practitioner_survey_path"), params)
                 if ctx.path("practitioner_survey_path") else None)
    oba_spec = load_oba_spec(ctx.path("oba_path"))

    rep = Report(sections={}, comparison=comparison)
    rule_kw = dict(unit="children", rule="children-counts", counts=())

    # -- flags register and changes
    register_df = flags_register(pack.flags, prev.flags if prev is not None else None)
    rep.tables["register"] = ctx.publish.table(register_df, TableSpec(
        name="report_flags_register", title=f"Flags register, {cfg.period.label}: every flag raised by the analyses, by severity",
        source="flags_disproportionality.csv, flags_section11.csv and flags_audits.csv of this pack",
        notes=(REPORT_TABLE_NOTE + " Flags combine units (children, agencies, audited cases): each flag's evidence table "
               "gives its unit. 'ref' numbers flags within a severity; 'status' says whether the flag was raised in the "
               "previous period too (same analysis, category, subject and measure)."),
        keys=("ref",), **rule_kw))
    rep.captions["register"] = f"Flags register, {cfg.period.label} ({len(register_df)} flags, highest severity first)"
    flag_changes = None
    number_changes = None
    number_notes: list[str] = []
    if prev is not None:
        flag_changes = compare_flags(pack.flags, prev.flags)
        rep.tables["flag_changes"] = ctx.publish.table(flag_changes, TableSpec(
            name="report_flag_changes", title=f"Flags new, resolved, escalated or de-escalated since {prev_label}",
            source=f"flags files of this pack and of the {prev_label} pack", notes=REPORT_TABLE_NOTE,
            keys=("change", "analysis", "category", "subject", "measure"), **rule_kw))
        rep.captions["flag_changes"] = f"Flags that changed since {prev_label}"
        number_changes, number_notes = compare_numbers(pack, prev, suppressed=sup)
        rep.tables["number_changes"] = ctx.publish.table(number_changes, TableSpec(
            name="report_number_changes", title=f"Published numbers that moved since {prev_label}",
            source=f"published tables of this pack and of the {prev_label} pack",
            notes=(REPORT_TABLE_NOTE + f" A value suppressed in either period gives a suppressed change ({sup}); "
                   "'up' and 'down' describe the number only, not whether the change is good."),
            keys=("table", "key", "measure"), **rule_kw))
        rep.captions["number_changes"] = f"Published numbers that moved since {prev_label}"

    # -- a chart of the flags by analysis and severity (counts of flags, not of children)
    rep.figure = ctx.publish.figure(flags_chart(pack.flags, cfg.period.label))

    # -- OBA
    oba = oba_view(pack, oba_spec, flag_changes)
    if prev is not None:
        oba = oba_with_previous(oba, oba_view(prev, oba_spec, None), suppressed=sup)
    rep.tables["oba"] = ctx.publish.table(oba, TableSpec(
        name="report_oba", title="How much did we do, how well did we do it, is anyone better off?",
        source="published tables and flags of this pack (and the previous period's flags)",
        notes=REPORT_TABLE_NOTE + " [x]: the evidence for the measure is not in this pack.",
        keys=("area", "question", "measure"), **rule_kw))
    rep.captions["oba"] = "Outcomes-based accountability view"

    # -- children's feedback
    children_pub = None
    if children_df is not None:
        children_pub = ctx.publish.table(summarise_children_feedback(children_df), CHILDREN_FEEDBACK_SPEC)
        rep.tables["children"] = children_pub
        rep.captions["children"] = "Children and young people's feedback by theme and sentiment"

    # -- practitioner survey
    survey_pub = None
    if survey_df is not None:
        from .voice import summarise_practitioner_survey

        summary = summarise_practitioner_survey(survey_df, by=("theme",))
        survey_pub = ctx.publish.table(summary, TableSpec(
            name="report_practitioner_survey", title="What practitioners told us: agreement by theme",
            unit="agencies", rule="organisations", source="Practitioner survey (the Section 11 cycle)",
            notes=("Counts are of practitioners responding and of their answers, not of children. Agreement is the share "
                   "of answers that agree on the answer's own scale; themes with fewer than 5 respondents show counts only."),
            keys=("theme", "scale")))
        rep.tables["practitioners"] = survey_pub
        rep.captions["practitioners"] = "Practitioner survey: agreement by theme"

    # -- commentary, through the redaction guard
    commentary: dict[str, str] = {}
    withheld: set[str] = set()
    if commentary_df is not None:
        for _, r in commentary_df.iterrows():
            cleared = ctx.publish.text(f"commentary_{r['section']}", str(r["text"]), free_text=True)
            if cleared.strip():
                commentary[str(r["section"])] = cleared.strip()
            else:
                withheld.add(str(r["section"]))

    # -- gaps
    gaps: list[str] = []
    for a in pack.missing_flags:
        gaps.append(f"The {ANALYSIS_TITLES[a]} analysis published no flags file this period: its findings are missing "
                    f"from the register. Fill it by re-running notebook {ANALYSIS_PAGES[a]} with complete inputs.")
    if children_df is None:
        gaps.append("No children's and young people's feedback summary was given for this period, so the voice of the child "
                    "is not evidenced here. Fill it by asking the participation team for counts by theme and sentiment "
                    "(children_feedback_path).")
    if survey_df is None and not any(w in n for n in pack.declarations for w in ("survey", "practitioner", "triangulation")):
        gaps.append("No practitioner survey was given for this period, so what front-line practitioners say is not "
                    "evidenced here. Fill it with the practitioner survey of the Section 11 cycle (practitioner_survey_path).")
    if prev is None:
        gaps.append(f"No comparison with {prev_label}: {comparison}.")
    for n in number_notes:
        gaps.append(f"Change since {prev_label} not fully known: {n}.")
    small = []
    for name, t in pack.tables.items():
        n = int(t.isin([sup]).sum().sum())
        if n:
            small.append((name, n))
    if small:
        listed = ", ".join(f"{_link_table(nm, pack.declarations)} ({n} cell{'s' if n != 1 else ''})" for nm, n in small)
        gaps.append(f"Some published values were too small to show and are suppressed ({sup}): {listed}. "
                    "Nothing can be concluded from those cells this period; combined groups or a longer window may show them.")
    fsup = pack.flags[pack.flags["value"].astype(str).eq(sup)]
    for _, r in fsup.iterrows():
        gaps.append(f"A flag rests on a suppressed value ({r['analysis']}, {r['measure']}): {r['statement']}")
    for _, r in oba[oba["value"].eq("[x]")].iterrows():
        gaps.append(f"Outcomes view: '{r['measure']}' is not available ({r['note']}).")
    if children_pub is not None:
        all_rows = children_pub[children_pub["sentiment"].eq("All sentiments")]
        if all_rows["children"].astype(str).eq(sup).any():
            gaps.append("Some feedback themes were raised by too few children to report; they are suppressed.")
    rep.gaps = gaps

    # -- sections
    n_by_sev = {s: int(pack.flags["severity"].eq(s).sum()) for s in SEVERITIES}
    n_by_an = {a: int(pack.flags["analysis"].eq(a).sum()) for a in ANALYSES}
    summary = [f"- **{len(pack.flags)} flags** were raised this period: {n_by_sev['high']} high, {n_by_sev['medium']} medium "
               f"and {n_by_sev['low']} low severity (disproportionality {n_by_an['disproportionality']}, Section 11 "
               f"{n_by_an['section11']}, case audits {n_by_an['audits']})."]
    for _, r in register_df[register_df["severity"].eq("high")].head(5).iterrows():
        summary.append(f"- High ({r['ref']}): {r['statement']}")
    if flag_changes is not None:
        cnt = flag_changes["change"].value_counts()
        moved = number_changes[number_changes["direction"].isin(["up", "down"])] if number_changes is not None else pd.DataFrame()
        summary.append(f"- Since {prev_label}: {int(cnt.get('new', 0))} new, {int(cnt.get('resolved', 0))} resolved, "
                       f"{int(cnt.get('escalated', 0))} escalated and {int(cnt.get('de-escalated', 0))} de-escalated flags; "
                       f"{len(moved)} published numbers moved ({int(moved['direction'].eq('up').sum()) if len(moved) else 0} up, "
                       f"{int(moved['direction'].eq('down').sum()) if len(moved) else 0} down).")
    else:
        summary.append(f"- Changes since {prev_label} are not reported: {comparison}.")
    if children_pub is not None:
        themes = children_pub[children_pub["sentiment"].eq("All sentiments")]
        summary.append(f"- Children and young people gave feedback on {len(themes)} themes through participation work.")
    summary.append(f"- {len(gaps)} gap{'s' if len(gaps) != 1 else ''} in knowledge {'are' if len(gaps) != 1 else 'is'} listed "
                   "below, with how to fill them.")
    rep.sections["summary"] = "\n".join(summary) + "\n"

    data_md = [f"What the {ANALYSIS_TITLES['disproportionality']} analysis found:\n",
               _flags_md(pack.flags[pack.flags["analysis"].eq("disproportionality")], pack, sup),
               _evidence_md("disproportionality", pack)]
    if "disproportionality" in pack.missing_flags:
        data_md.insert(1, "The analysis published no flags file this period (see the gaps).\n")
    rep.sections["data"] = "\n".join(data_md)

    qa = []
    for a in ("audits", "section11"):
        qa.append(f"### {ANALYSIS_TITLES[a][0].upper() + ANALYSIS_TITLES[a][1:]}\n")
        qa.append("The analysis published no flags file this period (see the gaps).\n" if a in pack.missing_flags
                  else _flags_md(pack.flags[pack.flags["analysis"].eq(a)], pack, sup))
        qa.append(_evidence_md(a, pack))
    rep.sections["quality_assurance"] = "\n".join(qa)

    pr = []
    if survey_pub is not None:
        shown = survey_pub[survey_pub["shown"].astype(str).isin(["True", "true"])] if "shown" in survey_pub else survey_pub
        pr.append(f"The practitioner survey: {len(survey_pub)} theme and scale groups; agreement by theme (themes with "
                  "fewer than 5 respondents show counts only):\n")
        twice = set(shown["theme"][shown["theme"].duplicated()])
        for _, r in shown.iterrows():
            scale = f" (answers on the {r['scale']} scale)" if r["theme"] in twice else ""
            pr.append(f"- {r['theme']}{scale}: {_pct(r['agreement'])} of {r['answers']} answers agree "
                      f"({r['respondents']} practitioners)")
        pr.append("\nEvidence: the table below, published as [report_practitioner_survey](tables/report_practitioner_survey.csv).\n")
    cited = [n for n in sorted(pack.declarations) if any(w in n for w in ("survey", "practitioner", "triangulation"))]
    if cited:
        pr.append("\nThe Section 11 analysis also published what practitioners said beside what agencies rated:\n")
        pr += [f"- Table: {_link_table(n, pack.declarations)}" for n in cited]
    elif survey_pub is None:
        pr.append("No practitioner survey was given for this period (see the gaps).\n")
    rep.sections["practitioners"] = "\n".join(pr) + "\n"

    ch = []
    if children_pub is not None:
        ch.append("Counts of children and young people giving feedback, by theme (from participation work; no free text "
                  "is collected):\n")
        for t, g in children_pub.groupby("theme", sort=False):
            total = g.loc[g["sentiment"].eq("All sentiments"), "children"]
            parts = [f"{r['sentiment']} {_fmt_value(r['children'], sup)}" for _, r in g.iterrows() if r["sentiment"] != "All sentiments"]
            ch.append(f"- {t}: {_fmt_value(total.iloc[0] if len(total) else '', sup)} in all ({'; '.join(parts)})")
        ch.append("\nEvidence: [report_children_feedback](tables/report_children_feedback.csv).\n")
    else:
        ch.append("No children's and young people's feedback summary was given for this period (see the gaps).\n")
    rep.sections["children"] = "\n".join(ch) + "\n"

    rep.sections["oba"] = ("Each measure reads one published value (or counts flags); [x] means the evidence is not in this "
                           "pack. Evidence: [report_oba](tables/report_oba.csv).\n")
    rep.sections["flags"] = (f"All {len(register_df)} flags raised by the three analyses, exactly as published in their flags "
                             "files, highest severity first. Severity is written out in words in every row. Evidence: "
                             "[report_flags_register](tables/report_flags_register.csv).\n")
    if flag_changes is not None:
        moved = number_changes[number_changes["direction"].isin(["up", "down"])]
        nc = number_changes[number_changes["direction"].eq("not comparable")]
        lines = [f"Changes {comparison}.\n", "### Flags\n"]
        for kind in ("new", "escalated", "resolved", "de-escalated"):
            sub = flag_changes[flag_changes["change"].eq(kind)]
            lines.append(f"- **{kind.capitalize()} flags: {len(sub)}**")
            sub = sub.assign(_r=sub["severity"].map({s_: i for i, s_ in enumerate(SEVERITIES)})).sort_values("_r", kind="stable")
            for _, r in sub.head(5).iterrows():
                was = f", was {r['previous_severity']}" if kind in ("escalated", "de-escalated") else ""
                lines.append(f"    - ({r['severity']}{was}) {r['statement']}")
            if len(sub) > 5:
                lines.append(f"    - and {len(sub) - 5} more: see the table of flag changes.")
        o = rep.tables["oba"]
        if "change" in o.columns:
            lines.append("\n### Headline measures\n")
            for _, r in o.iterrows():
                if str(r["change"]) not in ("", "0") and r["direction"] != "not applicable":
                    lines.append(f"- {r['measure']}: {r['previous']} in {prev_label}, {r['value']} now "
                                 f"({r['direction']}{', ' + str(r['change']) if r['direction'] in ('up', 'down') else ''})")
        lines.append("\n### Published numbers that moved\n")
        lines.append(f"{len(moved)} published numbers moved ({int(moved['direction'].eq('up').sum())} up, "
                     f"{int(moved['direction'].eq('down').sum())} down); {len(nc)} could not be compared because a value "
                     f"was suppressed in one of the periods (shown as {sup}). By table:\n")
        for t, g in number_changes.groupby("table", sort=True):
            lines.append(f"- {_link_table(str(t), pack.declarations)}: {int(g['direction'].eq('up').sum())} up, "
                         f"{int(g['direction'].eq('down').sum())} down, {int(g['direction'].eq('not comparable').sum())} "
                         "not comparable")
        if number_changes.empty:
            lines.append("- none")
        lines.append("\nEvidence: [report_flag_changes](tables/report_flag_changes.csv) and "
                     "[report_number_changes](tables/report_number_changes.csv).\n")
        rep.sections["changes"] = "\n".join(lines)
    else:
        rep.sections["changes"] = f"Changes are not reported: {comparison}.\n"
    rep.sections["gaps"] = ("\n".join(f"- {g}" for g in gaps) + "\n") if gaps else "No gaps in knowledge were found this period.\n"
    dev = [f"- {r['ref']} ({r['severity']}, {r['analysis']}): {r['statement']}"
           for _, r in register_df[register_df["severity"].isin(["high", "medium"])].iterrows()]
    rep.sections["development"] = ("Areas for development are the high and medium severity flags:\n\n" + "\n".join(dev) + "\n"
                                   if dev else "No high or medium severity flag was raised this period.\n")
    steps = []
    if n_by_sev["high"]:
        steps.append(f"- Agree an owner, an action and a date for each of the {n_by_sev['high']} high severity flags "
                     "(see the flags register).")
    if n_by_sev["medium"]:
        steps.append(f"- Review the {n_by_sev['medium']} medium severity flags at the next quality assurance subgroup.")
    if flag_changes is not None:
        cont = int(register_df["status"].eq("continuing").sum())
        if cont:
            steps.append(f"- {cont} flags were also raised in {prev_label}: check whether the actions agreed then are working.")
    if gaps:
        steps.append(f"- Close the {len(gaps)} gaps in knowledge listed above before the next report.")
    steps.append("- Re-run the pack next quarter; this report will then show what changed.")
    rep.sections["next_steps"] = "\n".join(steps) + "\n"

    for key, _ in SECTIONS:
        rep.sections.setdefault(key, "")
        rep.commentary[key] = _commentary_md(key, commentary, withheld)
    ctx.publish.text("assurance_report", f"# Quarterly assurance report, {cfg.period.label}\n\n"
                     f"{cfg.partnership}\n\n{rep.markdown}")
    return rep


# =========================================================================== display
_ANALYSIS_SHORT = {"disproportionality": "Disproportionality", "section11": "Section 11", "audits": "Case audits"}


def flags_chart(flags: pd.DataFrame, period_label: str) -> Any:
    """A bar chart of the number of flags by analysis and severity (values labelled, hatched by severity)."""
    from . import charts

    rows = [(_ANALYSIS_SHORT[a], s, int((flags["analysis"].eq(a) & flags["severity"].eq(s)).sum()))
            for s in SEVERITIES for a in ANALYSES]
    data = pd.DataFrame(rows, columns=["analysis", "severity", "flags"])
    alt = ("Bar chart of the number of flags raised this period by analysis and severity: " + "; ".join(
        f"{_ANALYSIS_SHORT[a]} {', '.join(f'{n} {s}' for (aa, s, n) in rows if aa == _ANALYSIS_SHORT[a])}" for a in ANALYSES)
        + ".")
    return charts.bar(data, x="flags", y="analysis", hue="severity", name="report_flags_by_severity",
                      title="Flags raised this period, by analysis and severity",
                      subtitle=f"Number of flags, {period_label}; each bar is labelled with its number",
                      source="flags files of the three analyses in this pack", alt=alt, xlabel="Number of flags")


def show_figure(rep: Report) -> Any:
    """The report's chart of flags by analysis and severity, for display (with its alt text)."""
    return rep.figure

def show(rep: Report, section: str) -> Any:
    """One section of the report for display (IPython HTML converted from its Markdown).

    Converted here (raw HTML in the text is escaped) so that links are underlined whatever the
    page's style sheet does: a link must not be told apart from text by colour alone.
    """
    from IPython.display import HTML

    if section not in rep.sections:
        raise KeyError(f"no report section {section!r} (one of: {', '.join(k for k, _ in SECTIONS)})")
    return HTML(markdown_html(rep.sections[section]))


def show_commentary(rep: Report, section: str) -> Any:
    """The partnership's commentary on one section (or the sentence saying there is none)."""
    from IPython.display import HTML

    if section not in rep.commentary:
        raise KeyError(f"no report section {section!r} (one of: {', '.join(k for k, _ in SECTIONS)})")
    return HTML(markdown_html(rep.commentary[section]))


def markdown_html(md: str) -> str:
    """Markdown to an HTML fragment: raw HTML escaped, links underlined.

    Examples
    --------
    >>> markdown_html("See [the table](tables/t.csv) <b>x</b>").splitlines()[0]
    '<div class="assurance-report-section"><p>See <a style="text-decoration:underline" href="tables/t.csv">the table</a> &lt;b&gt;x&lt;/b&gt;</p>'
    """
    import mistune

    body = mistune.create_markdown(escape=True)(md)
    body = body.replace("<a href=", '<a style="text-decoration:underline" href=')
    return f'<div class="assurance-report-section">{body}</div>'


def html_table(df: pd.DataFrame, caption: str) -> str:
    """An accessible HTML table: caption, column header scopes, no index column."""
    e = _html.escape

    def cell(v: Any) -> str:
        t = "" if v is None or (not isinstance(v, str) and pd.isna(v)) else str(v)
        align = "right" if (_is_num(t) or t in _SHORTHAND) else "left"
        return f'<td style="text-align:{align}">{e(t)}</td>'

    head = "".join(f'<th scope="col" style="text-align:left">{e(str(c))}</th>' for c in df.columns)
    body = "".join("<tr>" + "".join(cell(v) for v in r) + "</tr>" for r in df.itertuples(index=False))
    if not len(df):
        body = f'<tr><td colspan="{max(1, len(df.columns))}">No rows this period.</td></tr>'
    return (f'<table class="assurance-table"><caption>{e(caption)}</caption><thead><tr>{head}</tr></thead>'
            f"<tbody>{body}</tbody></table>")


def show_table(rep: Report, name: str, *, limit: int | None = 200) -> Any:
    """A published table of the report for display (IPython HTML with a caption).

    ``limit`` rows at most are shown; the caption then says where the whole table is.
    """
    from IPython.display import HTML, Markdown

    if name not in rep.tables:
        return Markdown(f"*This part of the report has no table this period ({name}).*")
    df = rep.tables[name]
    cap = rep.captions.get(name, name)
    if limit is not None and len(df) > limit:
        cap += f" (first {limit} of {len(df)} rows; the whole table is in the pack's tables)"
        df = df.head(limit)
    return HTML(html_table(df, cap))
