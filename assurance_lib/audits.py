"""Multi-agency audit synthesis: grades by domain and agency, change on re-audit, agreement
between agencies' own grades and the panel's, recurring themes, the action log and the
seven-minute briefings (notebook ``03_audit_synthesis``).

Inputs (each registered as an input contract at import, so ``assurance validate`` checks them
before any notebook runs):

``audit_register`` (``register_path``)
    One row per audit: ``audit_id, theme, audit_type, audit_date, n_cases, previous_audit_id``.
``audit_grades`` (``grades_path``)
    One row per audit x case x agency x domain: ``audit_id, case_ref, agency, domain,
    agency_grade, panel_grade`` and, optionally, one ``moderator_<name>`` column per panel
    moderator who graded the unit independently before moderation.
``audit_findings`` (``findings_path``)
    Coded findings: ``audit_id, domain, theme_code, kind, text`` (``kind`` a strength or an
    area for development; ``text`` is free text about real children).
``audit_actions`` (``actions_path``)
    The action log: ``action_id, source, source_ref, theme, agency, owner_role, action,
    created, due, status, evidence_of_completion, evidence_of_impact, closed_date``.

The grade scale, domains, audit themes and types, finding codes and action-log settings come
from the framework YAML (``framework_path``, default ``data/frameworks/audit_framework.yaml``).

Case references (``case_ref``) are pseudonymous identifiers: they are used to count cases and
to resample cases in the bootstrap, and never leave this module. Free text (findings, actions,
evidence) reaches the pack only through :func:`assurance_lib.disclosure.redact`.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Mapping, Sequence

import numpy as np
import pandas as pd
import yaml

from . import agreement, disclosure
from .config import Period, project_root, resolve_path
from .errors import InputError, Problem
from .readers import (ROW_COLUMN, InputContract, display_path, duplicate_problems, read_table, register,
                      require_columns, row_problems, schema_problems)
from .tables import TableSpec

__all__ = [
    "DEFAULT_FRAMEWORK",
    "Grade",
    "Theme",
    "AuditFramework",
    "load_framework",
    "read_register",
    "read_grades",
    "read_findings",
    "read_actions",
    "AuditInputs",
    "AuditResults",
    "Settings",
    "load",
    "analyse",
    "compute",
    "window",
    "audits_in_window",
    "grade_distribution",
    "reaudit_change",
    "agreement_table",
    "theme_counts",
    "action_status",
    "action_summary",
    "build_flags",
    "briefing_markdown",
    "show_register",
    "show_grades",
    "chart_grades",
    "show_reaudit",
    "chart_reaudit",
    "show_agreement",
    "chart_agreement",
    "show_themes",
    "show_actions",
    "show_actions_attention",
    "publish_flags",
    "briefings",
    "method_notes",
    "ALL",
]

DEFAULT_FRAMEWORK = Path("data") / "frameworks" / "audit_framework.yaml"
ALL = "All"
"""Label of total rows (all audits, all domains, all agencies)."""
NOTEBOOK = "03_audit_synthesis"
_SOURCE = "Multi-agency case file audits (agency self-grades and panel moderated grades)"
_ACTION_SOURCE = "Partnership action log"


# --------------------------------------------------------------------------- framework
@dataclass(frozen=True, slots=True, kw_only=True)
class Grade:
    """One grade of the scale: its label, its order (1 = best) and whether it counts as good or better."""

    label: str
    score: int
    good_or_better: bool


@dataclass(frozen=True, slots=True, kw_only=True)
class Theme:
    """An audit theme (e.g. neglect): label, why it matters and reflective questions."""

    code: str
    label: str
    why_it_matters: str = ""
    questions: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True, kw_only=True)
class AuditFramework:
    """The audit framework read from YAML (see ``data/frameworks/audit_framework.yaml``).

    Attributes
    ----------
    grades : tuple of Grade
        Best first, scores 1..k.
    domains : mapping of code to label (in framework order)
    domain_questions : mapping of code to a reflective question
    audit_types : tuple of str
    themes : mapping of code to Theme
    finding_kinds : tuple of str
        ``strength`` and ``area for development``.
    finding_codes : mapping of code to label
    sources : tuple of str
        Action sources (audit, section11, review).
    open_statuses, complete_statuses : tuple of str
    amber_days : int
    """

    file: str
    name: str
    grades: tuple[Grade, ...]
    domains: Mapping[str, str]
    domain_questions: Mapping[str, str]
    audit_types: tuple[str, ...]
    themes: Mapping[str, Theme]
    finding_kinds: tuple[str, ...]
    finding_codes: Mapping[str, str]
    sources: tuple[str, ...]
    open_statuses: tuple[str, ...]
    complete_statuses: tuple[str, ...]
    amber_days: int = 30

    def __post_init__(self) -> None:
        scores = [g.score for g in self.grades]
        if scores != list(range(1, len(scores) + 1)):
            raise ValueError(f"{self.file}: grade scores must run 1, 2, ... best first, got {scores}")
        if len(self.grades) < 2:
            raise ValueError(f"{self.file}: the grade scale needs at least two grades")

    @property
    def k(self) -> int:
        """Number of grades on the scale."""
        return len(self.grades)

    @property
    def grade_labels(self) -> tuple[str, ...]:
        """Grade labels, best first."""
        return tuple(g.label for g in self.grades)

    @property
    def good_scores(self) -> tuple[int, ...]:
        """Scores that count as good or better."""
        return tuple(g.score for g in self.grades if g.good_or_better)

    def grade_column(self, label: str) -> str:
        """The count column of a grade, e.g. ``n_requires_improvement_to_be_good``."""
        return "n_" + re.sub(r"[^a-z0-9]+", "_", label.lower()).strip("_")

    def theme_label(self, code: str) -> str:
        """The label of an audit theme code."""
        t = self.themes.get(code)
        return t.label if t else code


def _norm(value: Any) -> str:
    return " ".join(str(value).split()).casefold()


@functools.lru_cache(maxsize=8)
def _load_framework_cached(path: str, mtime: float) -> AuditFramework:
    p = Path(path)
    shown = display_path(p)
    try:
        raw = yaml.safe_load(p.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise InputError(Problem(file=shown, message=f"could not be read as YAML ({type(exc).__name__})")) from None
    problems: list[Problem] = []
    if not isinstance(raw, dict):
        raise InputError(Problem(file=shown, message="expected a mapping at the top level"))

    def need(key: str, kind: type) -> Any:
        v = raw.get(key)
        if not isinstance(v, kind):
            problems.append(Problem(file=shown, key=key, message="missing or of the wrong type",
                                    expected=f"a {'list' if kind is list else 'mapping'}"))
            return kind()
        return v

    scale = need("grade_scale", dict)
    grades: list[Grade] = []
    for i, g in enumerate(scale.get("grades", []) if isinstance(scale, dict) else []):
        try:
            grades.append(Grade(label=str(g["label"]).strip(), score=int(g["score"]),
                                good_or_better=bool(g.get("good_or_better", False))))
        except (KeyError, TypeError, ValueError):
            problems.append(Problem(file=shown, key=f"grade_scale.grades[{i}]",
                                    expected="a mapping with label, score and good_or_better"))
    domains: dict[str, str] = {}
    questions: dict[str, str] = {}
    for i, d in enumerate(need("domains", list)):
        if not isinstance(d, dict) or "code" not in d or "label" not in d:
            problems.append(Problem(file=shown, key=f"domains[{i}]", expected="a mapping with code and label"))
            continue
        domains[str(d["code"]).strip()] = str(d["label"]).strip()
        questions[str(d["code"]).strip()] = str(d.get("question", "")).strip()
    themes: dict[str, Theme] = {}
    for code, t in need("audit_themes", dict).items():
        if not isinstance(t, dict) or "label" not in t:
            problems.append(Problem(file=shown, key=f"audit_themes.{code}", expected="a mapping with a label"))
            continue
        themes[str(code)] = Theme(code=str(code), label=str(t["label"]).strip(),
                                  why_it_matters=" ".join(str(t.get("why_it_matters", "")).split()),
                                  questions=tuple(str(q).strip() for q in t.get("questions", []) or []))
    al = raw.get("action_log") or {}
    statuses = al.get("statuses") or {}
    if problems:
        raise InputError(problems)
    try:
        return AuditFramework(
            file=shown, name=str(raw.get("name", "Audit framework")), grades=tuple(grades), domains=domains,
            domain_questions=questions, audit_types=tuple(str(t) for t in need("audit_types", list)), themes=themes,
            finding_kinds=tuple(str(k) for k in raw.get("finding_kinds", ["strength", "area for development"])),
            finding_codes={str(k): str(v) for k, v in need("finding_codes", dict).items()},
            sources=tuple(str(s) for s in al.get("sources", ["audit", "section11", "review"])),
            open_statuses=tuple(str(s) for s in statuses.get("open", ["not started", "in progress"])),
            complete_statuses=tuple(str(s) for s in statuses.get("complete", ["completed"])),
            amber_days=int(al.get("amber_days", 30)),
        )
    except ValueError as exc:
        raise InputError(Problem(file=shown, key="grade_scale", message=str(exc).split(": ", 1)[-1])) from None


def load_framework(path: str | Path | None = None) -> AuditFramework:
    """Read and check the audit framework YAML (default :data:`DEFAULT_FRAMEWORK`).

    Raises
    ------
    InputError
        When the file is missing or malformed, naming the file and key.
    """
    p = resolve_path(path or DEFAULT_FRAMEWORK, project_root())
    if not p.is_file():
        raise InputError(Problem(file=display_path(p), message="no such framework file"))
    return _load_framework_cached(str(p.resolve()), p.stat().st_mtime)


def _framework_from(params: Mapping[str, Any]) -> AuditFramework:
    return load_framework(params.get("framework_path") or None)


# --------------------------------------------------------------------------- readers
def _schema(required: Sequence[str], patterns: Mapping[str, tuple[str, str]] = {}) -> Any:
    import pandera.pandas as pa

    cols = {}
    for c in required:
        checks = []
        if c in patterns:
            checks.append(pa.Check.str_matches(patterns[c][0], error=patterns[c][1]))
        cols[c] = pa.Column("string", checks=checks, nullable=False, coerce=True)
    return pa.DataFrameSchema(cols, strict=False, coerce=True)


def _validate_required(df: pd.DataFrame, required: Sequence[str], file: str, hide: Sequence[str] = (),
                       patterns: Mapping[str, tuple[str, str]] = {}) -> list[Problem]:
    _, problems = schema_problems(df, _schema(required, patterns), file, hide_values=hide)
    return problems


def _vocab(df: pd.DataFrame, col: str, allowed: Mapping[str, str], file: str, expected: Sequence[str],
           problems: list[Problem]) -> pd.Series:
    """Map a column through ``allowed`` (normalised text -> canonical); report unknown values."""
    s = df[col].astype("string")
    mapped = s.map(lambda v: allowed.get(_norm(v)) if pd.notna(v) else pd.NA).astype("string")
    bad = s.notna() & mapped.isna()
    problems.extend(row_problems(df, bad, file, col, f"one of: {', '.join(expected)}"))
    return mapped


def _dates(df: pd.DataFrame, col: str, file: str, problems: list[Problem], *, required: bool) -> pd.Series:
    raw = df[col].astype("string").str.replace(r"[ T]00:00:00$", "", regex=True)
    parsed = pd.to_datetime(raw, format="%Y-%m-%d", errors="coerce")
    bad = raw.notna() & parsed.isna()
    problems.extend(row_problems(df, bad, file, col, "a date in the form YYYY-MM-DD, e.g. 2026-07-01"))
    if required:
        problems.extend(row_problems(df, raw.isna() & ~bad, file, col, "a date in the form YYYY-MM-DD "
                                     "(the column may not be empty)"))
    return parsed


def _optional(df: pd.DataFrame, col: str) -> pd.Series:
    return df[col].astype("string") if col in df.columns else pd.Series(pd.NA, index=df.index, dtype="string")


REGISTER_COLUMNS = ("audit_id", "theme", "audit_type", "audit_date", "n_cases")
GRADES_COLUMNS = ("audit_id", "case_ref", "agency", "domain", "agency_grade", "panel_grade")
FINDINGS_COLUMNS = ("audit_id", "domain", "theme_code", "kind", "text")
ACTIONS_COLUMNS = ("action_id", "source", "source_ref", "agency", "owner_role", "action", "created", "due", "status")
MODERATOR_PREFIX = "moderator_"


def read_register(path: Path | str, params: Mapping[str, Any]) -> pd.DataFrame:
    """Read and check the audit register.

    Checks: required columns and values; unique ``audit_id``; ``theme`` an audit theme of the
    framework (code or label); ``audit_type`` one of the framework's types; ``audit_date`` a
    date; ``n_cases`` a whole number of 1 or more; ``previous_audit_id`` empty or an earlier
    audit of the same theme in the register.

    Returns
    -------
    DataFrame
        ``audit_id, theme`` (code), ``audit_type, audit_date`` (datetime), ``n_cases`` (int),
        ``previous_audit_id`` and ``_row``.

    Raises
    ------
    InputError
        Listing every problem (file, row, column, value, expected).
    """
    fw = _framework_from(params)
    file = display_path(path)
    df = read_table(path)
    problems = require_columns(df, REGISTER_COLUMNS, file)
    if problems:
        raise InputError(problems)
    problems += _validate_required(df, REGISTER_COLUMNS, file,
                                   patterns={"n_cases": (r"^[0-9]+$", "a whole number of cases")})
    themes = {_norm(c): c for c in fw.themes} | {_norm(t.label): c for c, t in fw.themes.items()}
    theme = _vocab(df, "theme", themes, file, list(fw.themes), problems)
    types = {_norm(t): t for t in fw.audit_types}
    atype = _vocab(df, "audit_type", types, file, fw.audit_types, problems)
    date = _dates(df, "audit_date", file, problems, required=False)
    n = pd.to_numeric(df["n_cases"], errors="coerce")
    problems += row_problems(df, n.notna() & (n < 1), file, "n_cases", "a whole number of 1 or more")
    problems += duplicate_problems(df, ["audit_id"], file)
    prev = _optional(df, "previous_audit_id")
    ids = dict(zip(df["audit_id"], df.index))
    for i in df.index[prev.notna()]:
        p = prev[i]
        if p not in ids:
            problems += row_problems(df, pd.Series(df.index == i, index=df.index), file, "previous_audit_id",
                                     "empty or the audit_id of another audit in this register")
            continue
        j = ids[p]
        if p == df.at[i, "audit_id"]:
            problems += row_problems(df, pd.Series(df.index == i, index=df.index), file, "previous_audit_id", "an earlier audit, not the audit itself")
        elif pd.notna(date[i]) and pd.notna(date[j]) and date[j] >= date[i]:
            problems += row_problems(df, pd.Series(df.index == i, index=df.index), file, "previous_audit_id",
                                     "an audit dated before this one", message="is not earlier than this audit")
        elif pd.notna(theme[i]) and pd.notna(theme[j]) and theme[i] != theme[j]:
            problems += row_problems(df, pd.Series(df.index == i, index=df.index), file, "previous_audit_id",
                                     f"an earlier audit on the same theme ({theme[i]})",
                                     message=f"is an audit on another theme ({theme[j]})")
    if problems:
        raise InputError(problems)
    out = pd.DataFrame({
        ROW_COLUMN: df[ROW_COLUMN], "audit_id": df["audit_id"].astype("string"), "theme": theme,
        "audit_type": atype, "audit_date": date, "n_cases": n.astype(int), "previous_audit_id": prev,
    })
    return out.reset_index(drop=True)


def _try_register(params: Mapping[str, Any]) -> pd.DataFrame | None:
    """The register for cross-file checks; None when absent or invalid (its own contract reports it)."""
    p = params.get("register_path")
    if not p:
        return None
    try:
        return read_register(p, params)
    except InputError:
        return None


def read_grades(path: Path | str, params: Mapping[str, Any]) -> pd.DataFrame:
    """Read and check the audit grades (one row per audit x case x agency x domain).

    Checks: required columns and values; ``domain`` a framework domain (code or label);
    ``agency_grade``, ``panel_grade`` and any ``moderator_*`` grade on the framework's scale
    (moderator grades may be empty); no unit graded twice (audit, case, agency, domain);
    ``audit_id`` in the register and each audit's number of cases as the register says.
    Case references never appear in messages.

    Returns
    -------
    DataFrame
        The input columns (``domain`` as its code, grades as labels) plus ``agency_score``,
        ``panel_score`` and one score column per moderator (1 = best grade, NaN if empty).
    """
    fw = _framework_from(params)
    file = display_path(path)
    df = read_table(path)
    problems = require_columns(df, GRADES_COLUMNS, file)
    if problems:
        raise InputError(problems)
    problems += _validate_required(df, GRADES_COLUMNS, file, hide=("case_ref",))
    domains = {_norm(c): c for c in fw.domains} | {_norm(v): c for c, v in fw.domains.items()}
    domain = _vocab(df, "domain", domains, file, list(fw.domains), problems)
    grade_map = {_norm(g.label): g.label for g in fw.grades}
    score = {g.label: g.score for g in fw.grades}
    out = pd.DataFrame({ROW_COLUMN: df[ROW_COLUMN], "audit_id": df["audit_id"].astype("string"),
                        "case_ref": df["case_ref"].astype("string"), "agency": df["agency"].astype("string"),
                        "domain": domain})
    for col in ("agency_grade", "panel_grade"):
        lab = _vocab(df, col, grade_map, file, fw.grade_labels, problems)
        out[col] = lab
        out[col.replace("_grade", "_score")] = lab.map(lambda v: score.get(v, np.nan) if pd.notna(v) else np.nan).astype(float)
    for col in [c for c in df.columns if c.startswith(MODERATOR_PREFIX)]:
        lab = _vocab(df, col, grade_map, file, fw.grade_labels, problems)
        out[col] = lab.map(lambda v: score.get(v, np.nan) if pd.notna(v) else np.nan).astype(float)
    problems += duplicate_problems(df.assign(domain=domain), ["audit_id", "case_ref", "agency", "domain"], file,
                                   hide=("case_ref",))
    reg = _try_register(params)
    if reg is not None:
        known = set(reg["audit_id"])
        problems += row_problems(df, df["audit_id"].notna() & ~df["audit_id"].isin(known), file, "audit_id",
                                 "an audit_id of the audit register")
        cases = out.dropna(subset=["audit_id", "case_ref"]).groupby("audit_id")["case_ref"].nunique()
        for _, r in reg.iterrows():
            got = int(cases.get(r["audit_id"], 0))
            if got and got != int(r["n_cases"]):
                problems.append(Problem(file=file, key=f"audit_id={r['audit_id']}", column="case_ref",
                                        message=f"has {got} distinct cases",
                                        expected=f"{int(r['n_cases'])} cases, as the audit register says"))
    if problems:
        raise InputError(problems)
    return out.reset_index(drop=True)


def read_findings(path: Path | str, params: Mapping[str, Any]) -> pd.DataFrame:
    """Read and check coded findings (``kind`` a strength or an area for development).

    Checks: required columns and values; ``domain`` a framework domain; ``theme_code`` one of
    the framework's finding codes; ``kind`` one of its finding kinds; ``audit_id`` in the
    register. The free text is never shown in messages.
    """
    fw = _framework_from(params)
    file = display_path(path)
    df = read_table(path)
    problems = require_columns(df, FINDINGS_COLUMNS, file)
    if problems:
        raise InputError(problems)
    problems += _validate_required(df, FINDINGS_COLUMNS, file, hide=("text",))
    domains = {_norm(c): c for c in fw.domains} | {_norm(v): c for c, v in fw.domains.items()}
    domain = _vocab(df, "domain", domains, file, list(fw.domains), problems)
    codes = {_norm(c): c for c in fw.finding_codes}
    code = _vocab(df, "theme_code", codes, file, list(fw.finding_codes), problems)
    kind = _vocab(df, "kind", {_norm(k): k for k in fw.finding_kinds}, file, fw.finding_kinds, problems)
    reg = _try_register(params)
    if reg is not None:
        problems += row_problems(df, df["audit_id"].notna() & ~df["audit_id"].isin(set(reg["audit_id"])), file,
                                 "audit_id", "an audit_id of the audit register")
    if problems:
        raise InputError(problems)
    return pd.DataFrame({ROW_COLUMN: df[ROW_COLUMN], "audit_id": df["audit_id"].astype("string"), "domain": domain,
                         "theme_code": code, "kind": kind, "text": df["text"].astype("string")}).reset_index(drop=True)


def read_actions(path: Path | str, params: Mapping[str, Any]) -> pd.DataFrame:
    """Read and check the action log.

    Checks: required columns and values; unique ``action_id``; ``source`` and ``status`` from
    the framework; ``created``, ``due`` and ``closed_date`` dates; an action not due before it
    was created, nor closed before it was created; a completed action has a closed date and an
    open one has none; an audit action's ``source_ref`` an audit of the register. Free-text
    columns (``action``, evidence) are never shown in messages.
    """
    fw = _framework_from(params)
    file = display_path(path)
    df = read_table(path)
    problems = require_columns(df, ACTIONS_COLUMNS, file)
    if problems:
        raise InputError(problems)
    problems += _validate_required(df, ACTIONS_COLUMNS, file, hide=("action",))
    problems += duplicate_problems(df, ["action_id"], file)
    source = _vocab(df, "source", {_norm(s): s for s in fw.sources}, file, fw.sources, problems)
    statuses = (*fw.open_statuses, *fw.complete_statuses)
    status = _vocab(df, "status", {_norm(s): s for s in statuses}, file, statuses, problems)
    created = _dates(df, "created", file, problems, required=False)
    due = _dates(df, "due", file, problems, required=False)
    closed = _dates(df, "closed_date", file, problems, required=False) if "closed_date" in df.columns \
        else pd.Series(pd.NaT, index=df.index, dtype="datetime64[ns]")
    problems += row_problems(df, due < created, file, "due", "a due date on or after the date the action was created",
                             message=f"is before the action was created")
    problems += row_problems(df, closed < created, file, "closed_date", "a date on or after the date the action was created",
                             message="is before the action was created")
    complete = status.isin(fw.complete_statuses)
    is_open = status.isin(fw.open_statuses)
    if "closed_date" in df.columns:
        raw_closed = df["closed_date"]
        problems += row_problems(df, complete & raw_closed.isna(), file, "closed_date",
                                 f"the date the action was completed (status is {', '.join(fw.complete_statuses)})")
        problems += row_problems(df, is_open & raw_closed.notna(), file, "closed_date",
                                 f"empty while the status is open ({', '.join(fw.open_statuses)})")
    else:
        problems += row_problems(df, complete, file, "closed_date", "a closed_date column giving when the action was completed",
                                 message="is missing")
    reg = _try_register(params)
    if reg is not None:
        bad = source.eq("audit").fillna(False) & df["source_ref"].notna() & ~df["source_ref"].isin(set(reg["audit_id"]))
        problems += row_problems(df, bad, file, "source_ref", "an audit_id of the audit register (source is audit)")
    if problems:
        raise InputError(problems)
    return pd.DataFrame({
        ROW_COLUMN: df[ROW_COLUMN], "action_id": df["action_id"].astype("string"), "source": source,
        "source_ref": df["source_ref"].astype("string"), "theme": _optional(df, "theme"),
        "agency": df["agency"].astype("string"), "owner_role": df["owner_role"].astype("string"),
        "action": df["action"].astype("string"), "created": created, "due": due, "status": status,
        "evidence_of_completion": _optional(df, "evidence_of_completion"),
        "evidence_of_impact": _optional(df, "evidence_of_impact"), "closed_date": closed,
    }).reset_index(drop=True)


register(InputContract(name="audit_register", notebook=NOTEBOOK, parameter="register_path", read=read_register,
                       description="one row per multi-agency audit: theme, type, date, cases, earlier audit"))
register(InputContract(name="audit_grades", notebook=NOTEBOOK, parameter="grades_path", read=read_grades,
                       description="one row per audit x case x agency x domain: agency and panel grades",
                       identifier_columns=("case_ref",)))
register(InputContract(name="audit_findings", notebook=NOTEBOOK, parameter="findings_path", read=read_findings,
                       description="coded strengths and areas for development with free text"))
register(InputContract(name="audit_actions", notebook=NOTEBOOK, parameter="actions_path", read=read_actions,
                       description="the partnership action log (audit, Section 11 and review actions)"))


# --------------------------------------------------------------------------- analysis
@dataclass(frozen=True, slots=True, kw_only=True)
class Settings:
    """Analysis settings (the notebook's parameters).

    Attributes
    ----------
    window_months : int
        Audits dated in this many months up to the period end are analysed (a whole number of quarters).
    min_cases : int
        Tables and statistics from fewer cases are labelled indicative.
    min_units : int
        Agreement statistics from fewer rated units are labelled indicative.
    kappa_weights : {'linear', 'quadratic'}
    n_boot : int
        Bootstrap resamples of cases for the kappa interval.
    seed : int
    confidence : float
    fall_threshold : float
        A fall in the share good or better of at least this many percentage points is flagged.
    below_good_threshold : float
        A domain whose share good or better is below this percentage is flagged as below good.
    self_higher_threshold : float
        An agency grading itself above the panel on at least this percentage of units is flagged.
    quotes_per_point : int
        Free-text quotations per point of a briefing (each must pass the redaction guard).
    """

    window_months: int = 12
    min_cases: int = 10
    min_units: int = 20
    kappa_weights: str = "linear"
    n_boot: int = 1000
    seed: int = 20260701
    confidence: float = 0.95
    fall_threshold: float = 10.0
    below_good_threshold: float = 50.0
    self_higher_threshold: float = 30.0
    quotes_per_point: int = 2

    def __post_init__(self) -> None:
        if self.kappa_weights not in agreement.WEIGHTS:
            raise ValueError(f"kappa_weights {self.kappa_weights!r} is not one of: {', '.join(agreement.WEIGHTS)}")
        if self.window_months < 3 or self.window_months % 3:
            raise ValueError(f"window_months must be a whole number of quarters (3, 6, 9, 12 ...), got {self.window_months}")
        if self.n_boot < 0 or self.min_cases < 1 or self.min_units < 1 or self.quotes_per_point < 0:
            raise ValueError("n_boot, quotes_per_point must be 0 or more; min_cases and min_units 1 or more")

    @classmethod
    def from_params(cls, params: Mapping[str, Any]) -> "Settings":
        """Settings from a notebook's parameters (unknown keys ignored)."""
        names = {f.name for f in dataclasses.fields(cls)}
        return cls(**{k: v for k, v in params.items() if k in names})


@dataclass(frozen=True, slots=True, kw_only=True)
class AuditInputs:
    """The four validated inputs and the framework."""

    framework: AuditFramework
    register: pd.DataFrame
    grades: pd.DataFrame
    findings: pd.DataFrame
    actions: pd.DataFrame


@dataclass(slots=True, kw_only=True)
class AuditResults:
    """Everything the notebook shows (true values; identifiers already removed)."""

    inputs: AuditInputs
    settings: Settings
    period: Period
    window_start: dt.date
    audits: pd.DataFrame
    grades_domain: pd.DataFrame
    grades_agency: pd.DataFrame
    reaudit: pd.DataFrame
    agreement: pd.DataFrame
    themes: pd.DataFrame
    actions: pd.DataFrame
    action_summary: pd.DataFrame
    flags: pd.DataFrame
    notes: list[str] = field(default_factory=list)


def load(ctx: Any) -> AuditInputs:
    """Read the four inputs named by the notebook's parameters, reporting every problem at once."""
    params = ctx.params
    framework = _framework_from(params)
    frames: dict[str, pd.DataFrame] = {}
    problems: list[Problem | str] = []
    for name, key, fn in (("register", "register_path", read_register), ("grades", "grades_path", read_grades),
                          ("findings", "findings_path", read_findings), ("actions", "actions_path", read_actions)):
        try:
            frames[name] = fn(params[key], params)
        except InputError as exc:
            problems.extend(exc.problems)
    if problems:
        raise InputError(problems)
    return AuditInputs(framework=framework, **frames)


def window(period: Period, months: int = 12) -> tuple[dt.date, dt.date]:
    """The first and last day of the analysis window: ``months`` months ending with the period.

    Examples
    --------
    >>> [str(d) for d in window(Period.parse("2026-27 Q2"))]
    ['2025-10-01', '2026-09-30']
    """
    return period.rolling_start(months), period.end


def audits_in_window(register: pd.DataFrame, grades: pd.DataFrame, period: Period, months: int,
                     framework: AuditFramework) -> pd.DataFrame:
    """The audits analysed: those dated in the window, plus the earlier audits they re-audit.

    Returns
    -------
    DataFrame
        ``audit_id, theme, audit_type, audit_date, n_cases, n_agencies, n_gradings,
        previous_audit_id, role`` where role is ``this period``, ``earlier in the window`` or
        ``earlier audit of a re-audited theme``; sorted by date.
    """
    start, end = window(period, months)
    d = register["audit_date"].dt.date
    inw = (d >= start) & (d <= end)
    reg = register[inw].copy()
    earlier_ids = set(reg["previous_audit_id"].dropna())
    earlier = register[register["audit_id"].isin(earlier_ids) & ~inw].copy()
    reg["role"] = np.where(reg["audit_date"].dt.date >= period.start, "this period", "earlier in the window")
    earlier["role"] = "earlier audit of a re-audited theme"
    out = pd.concat([reg, earlier], ignore_index=True).sort_values(["audit_date", "audit_id"])
    g = grades.groupby("audit_id")
    out["n_agencies"] = out["audit_id"].map(g["agency"].nunique()).fillna(0).astype(int)
    out["n_gradings"] = out["audit_id"].map(g.size()).fillna(0).astype(int)
    out["theme"] = out["theme"].map(framework.theme_label)
    out["audit_date"] = out["audit_date"].dt.strftime("%Y-%m-%d")
    out["previous_audit_id"] = out["previous_audit_id"].astype("string").fillna("[z]")
    return out[["audit_id", "theme", "audit_type", "audit_date", "n_cases", "n_agencies", "n_gradings",
                "previous_audit_id", "role"]].reset_index(drop=True)


def _pct(num: float, den: float) -> float:
    return round(100.0 * num / den, 1) if den else float("nan")


def _distribution_row(g: pd.DataFrame, fw: AuditFramework, min_cases: int) -> dict[str, Any]:
    n_cases = int(g[["audit_id", "case_ref"]].drop_duplicates().shape[0])
    n = int(len(g))
    row: dict[str, Any] = {"n_cases": n_cases, "n_gradings": n}
    for gr in fw.grades:
        row[fw.grade_column(gr.label)] = int((g["panel_score"] == gr.score).sum())
    good = g["panel_score"].isin(fw.good_scores)
    row["pct_good_or_better"] = _pct(float(good.sum()), n)
    row["pct_good_or_better_self"] = _pct(float(g["agency_score"].isin(fw.good_scores).sum()), n)
    row["indicative"] = "yes" if n_cases < min_cases else "no"
    return row


def grade_distribution(grades: pd.DataFrame, framework: AuditFramework, by: Sequence[str], *,
                       min_cases: int = 10, totals: Sequence[str] = ()) -> pd.DataFrame:
    """Panel (moderated) grades by the columns ``by``: cases, gradings, counts by grade, share good or better.

    Parameters
    ----------
    grades : DataFrame
        As read by :func:`read_grades` (any subset of audits).
    framework : AuditFramework
    by : sequence of str
        Grouping columns, e.g. ``["audit_id", "domain"]`` or ``["agency", "domain"]``.
    min_cases : int
        Rows from fewer distinct cases are labelled ``indicative = yes``.
    totals : sequence of str
        Columns of ``by`` to add total rows for (value :data:`ALL`), e.g. ``["domain"]``.

    Returns
    -------
    DataFrame
        ``by`` columns, ``n_cases`` (distinct audited cases), ``n_gradings`` (agency x case x
        domain units), one ``n_<grade>`` column per grade, ``pct_good_or_better`` (panel),
        ``pct_good_or_better_self`` (the agencies' own grades), ``indicative``. Domains are
        shown by label.
    """
    rows = []
    combos: list[tuple[str, ...]] = [tuple(by)]
    for t in totals:
        combos = combos + [tuple(c for c in combo if c != t) for combo in combos]
    seen = set()
    for combo in combos:
        if combo in seen:
            continue
        seen.add(combo)
        groups = [((), grades)] if not combo else grades.groupby(list(combo), sort=False)
        for key, g in groups:
            key = key if isinstance(key, tuple) else (key,)
            r = {c: ALL for c in by}
            r.update(dict(zip(combo, key)))
            r.update(_distribution_row(g, framework, min_cases))
            rows.append(r)
    out = pd.DataFrame(rows, columns=[*by, "n_cases", "n_gradings", *(framework.grade_column(g.label) for g in framework.grades),
                                      "pct_good_or_better", "pct_good_or_better_self", "indicative"])
    if grades.empty:
        return out.iloc[0:0]
    order = {c: i for i, c in enumerate(framework.domains)}
    sort_cols = []
    for c in by:
        if c == "domain":
            out["_o_domain"] = out["domain"].map(lambda v: order.get(v, len(order) + 1))
            sort_cols.append("_o_domain")
        else:
            out[f"_o_{c}"] = out[c].eq(ALL).astype(int)
            sort_cols += [f"_o_{c}", c]
    out = out.sort_values(sort_cols, kind="stable").drop(columns=[c for c in out.columns if c.startswith("_o_")])
    if "domain" in by:
        out["domain"] = out["domain"].map(lambda v: framework.domains.get(v, v))
    return out.reset_index(drop=True)


def reaudit_change(grades: pd.DataFrame, register: pd.DataFrame, audit_ids: Sequence[str],
                   framework: AuditFramework, *, min_cases: int = 10) -> pd.DataFrame:
    """Change in the share of panel grades good or better between an audit and its earlier audit.

    Returns
    -------
    DataFrame
        One row per re-audit (of ``audit_ids`` with a ``previous_audit_id``) and domain (plus
        all domains): ``audit_id, earlier_audit_id, theme, domain, n_cases_earlier,
        n_cases_later, pct_good_or_better_earlier, pct_good_or_better_later, change_pp``
        (later minus earlier, percentage points), ``direction`` (improved, fell, no change)
        and ``indicative`` (either audit with fewer than ``min_cases`` cases).
    """
    reg = register.set_index("audit_id")
    rows = []
    for a in audit_ids:
        prev = reg.at[a, "previous_audit_id"] if a in reg.index else pd.NA
        if pd.isna(prev):
            continue
        later = grade_distribution(grades[grades["audit_id"] == a], framework, ["domain"], min_cases=min_cases,
                                   totals=["domain"])
        earlier = grade_distribution(grades[grades["audit_id"] == prev], framework, ["domain"], min_cases=min_cases,
                                     totals=["domain"])
        m = later.merge(earlier, on="domain", how="outer", suffixes=("_later", "_earlier"))
        for _, r in m.iterrows():
            ch = r["pct_good_or_better_later"] - r["pct_good_or_better_earlier"]
            rows.append({
                "audit_id": a, "earlier_audit_id": prev, "theme": framework.theme_label(reg.at[a, "theme"]),
                "domain": r["domain"], "n_cases_earlier": r["n_cases_earlier"], "n_cases_later": r["n_cases_later"],
                "pct_good_or_better_earlier": r["pct_good_or_better_earlier"],
                "pct_good_or_better_later": r["pct_good_or_better_later"],
                "change_pp": round(float(ch), 1) if pd.notna(ch) else np.nan,
                "direction": "[x]" if pd.isna(ch) else ("improved" if ch > 0 else ("fell" if ch < 0 else "no change")),
                "indicative": "yes" if (min(r["n_cases_earlier"], r["n_cases_later"]) < min_cases) else "no",
            })
    cols = ["audit_id", "earlier_audit_id", "theme", "domain", "n_cases_earlier", "n_cases_later",
            "pct_good_or_better_earlier", "pct_good_or_better_later", "change_pp", "direction", "indicative"]
    out = pd.DataFrame(rows, columns=cols)
    if not out.empty:
        order = {lab: i for i, lab in enumerate(framework.domains.values())}
        out["_o"] = out["domain"].map(lambda v: order.get(v, len(order)))
        out = out.sort_values(["audit_id", "_o"], kind="stable").drop(columns="_o").reset_index(drop=True)
        for c in ("n_cases_earlier", "n_cases_later"):
            out[c] = out[c].astype("Int64")
    return out


def _agreement_row(g: pd.DataFrame, fw: AuditFramework, s: Settings, moderator_cols: Sequence[str]) -> dict[str, Any]:
    a = g["agency_score"].to_numpy(dtype=int)
    b = g["panel_score"].to_numpy(dtype=int)
    clusters = (g["audit_id"].astype(str) + "\x1f" + g["case_ref"].astype(str)).to_numpy()
    r = agreement.bootstrap_kappa(a, b, clusters, k=fw.k, weights=s.kappa_weights,  # type: ignore[arg-type]
                                  n_boot=s.n_boot, confidence=s.confidence, seed=s.seed)
    used = [c for c in moderator_cols if g[c].notna().any()]
    alpha = float("nan")
    if len(used) >= 2:
        alpha = agreement.ordinal_alpha(g[used].to_numpy(dtype=float).T, k=fw.k)
    n = len(g)
    return {
        "n_cases": r.n_clusters, "n_units": r.n_units,
        "pct_exact": _pct(float((a == b).sum()), n),
        "pct_adjacent": _pct(float((np.abs(a - b) <= 1).sum()), n),
        "pct_self_higher": _pct(float((a < b).sum()), n),
        "pct_self_lower": _pct(float((a > b).sum()), n),
        "kappa": round(r.kappa, 3) if np.isfinite(r.kappa) else np.nan,
        "kappa_lower": round(r.lower, 3) if np.isfinite(r.lower) else np.nan,
        "kappa_upper": round(r.upper, 3) if np.isfinite(r.upper) else np.nan,
        "weights": s.kappa_weights,
        "n_moderators": len(used),
        "alpha_moderators": round(alpha, 3) if np.isfinite(alpha) else np.nan,
        "method": r.method + ("; Krippendorff's ordinal alpha across the moderators' independent grades"
                              if len(used) >= 2 else ""),
        "indicative": "yes" if (r.n_units < s.min_units or r.n_clusters < s.min_cases) else "no",
    }


def agreement_table(grades: pd.DataFrame, framework: AuditFramework, settings: Settings,
                    audit_ids: Sequence[str]) -> pd.DataFrame:
    """Agreement between agencies' own grades and the panel's moderated grades.

    Rows: each audit of ``audit_ids``; each agency across those audits; all of them together.
    A rated unit is one agency's grade of one case in one domain. ``pct_self_higher`` is the
    share of units the agency graded better than the panel. The kappa interval resamples
    whole cases (see :func:`assurance_lib.agreement.bootstrap_kappa`). Where the file records
    two or more moderators' independent grades, Krippendorff's ordinal alpha across them.
    """
    g = grades[grades["audit_id"].isin(list(audit_ids))]
    mods = [c for c in grades.columns if c.startswith(MODERATOR_PREFIX)]
    rows = []
    for a in audit_ids:
        sub = g[g["audit_id"] == a]
        if len(sub):
            rows.append({"level": "audit", "subject": a, **_agreement_row(sub, framework, settings, mods)})
    for ag_name, sub in sorted(g.groupby("agency"), key=lambda kv: str(kv[0])):
        rows.append({"level": "agency", "subject": ag_name, **_agreement_row(sub, framework, settings, mods)})
    if len(g):
        rows.append({"level": "all", "subject": f"{ALL} audits", **_agreement_row(g, framework, settings, mods)})
    cols = ["level", "subject", "n_cases", "n_units", "pct_exact", "pct_adjacent", "pct_self_higher", "pct_self_lower",
            "kappa", "kappa_lower", "kappa_upper", "weights", "n_moderators", "alpha_moderators", "method", "indicative"]
    return pd.DataFrame(rows, columns=cols)


def theme_counts(findings: pd.DataFrame, audit_ids: Sequence[str], framework: AuditFramework) -> pd.DataFrame:
    """Coded strengths and areas for development by finding code across the audits given.

    Returns
    -------
    DataFrame
        ``theme_code, theme, n_strengths, n_areas_for_development, n_audits, audits,
        recurring`` (``yes`` when the code appears in two or more audits), most audits first.
    """
    f = findings[findings["audit_id"].isin(list(audit_ids))]
    kinds = framework.finding_kinds
    rows = []
    for code, g in f.groupby("theme_code"):
        n_aud = int(g["audit_id"].nunique())
        rows.append({
            "theme_code": code, "theme": framework.finding_codes.get(str(code), str(code)),
            "n_strengths": int(g["kind"].eq(kinds[0]).sum()),
            "n_areas_for_development": int(g["kind"].eq(kinds[1]).sum()) if len(kinds) > 1 else 0,
            "n_audits": n_aud, "audits": "; ".join(sorted(g["audit_id"].unique())),
            "recurring": "yes" if n_aud >= 2 else "no",
        })
    cols = ["theme_code", "theme", "n_strengths", "n_areas_for_development", "n_audits", "audits", "recurring"]
    out = pd.DataFrame(rows, columns=cols)
    return out.sort_values(["n_audits", "n_areas_for_development", "theme_code"], ascending=[False, False, True],
                           kind="stable").reset_index(drop=True)


def action_status(actions: pd.DataFrame, as_at: dt.date, framework: AuditFramework) -> pd.DataFrame:
    """Each action's status and RAG as at a date (the period end), derived, never typed in.

    Rules (documented in ``docs/audits.md``): actions created after ``as_at`` are not counted.
    An action is complete when its status is a complete status and it was closed on or before
    ``as_at`` (closed later, it was still open at ``as_at``). RAG: **Blue** complete; **Red**
    open and due before ``as_at`` (overdue); **Amber** open and due within
    ``framework.amber_days`` days after ``as_at``; **Green** open and due later.

    Returns
    -------
    DataFrame
        ``action_id, source, source_ref, theme, agency, owner_role, created, due,
        status_at_period_end`` (complete/open), ``rag, days_overdue, evidence_of_completion,
        evidence_of_impact`` (yes/no), ``closed_date, complete_without_impact`` (yes/no).
    """
    t = pd.Timestamp(as_at)
    a = actions[actions["created"] <= t].copy()
    complete = a["status"].isin(framework.complete_statuses) & (a["closed_date"] <= t)
    overdue = ~complete & (a["due"] < t)
    amber = ~complete & ~overdue & (a["due"] <= t + pd.Timedelta(days=framework.amber_days))
    a["status_at_period_end"] = np.where(complete, "complete", "open")
    a["rag"] = np.select([complete, overdue, amber], ["Blue", "Red", "Amber"], default="Green")
    a["days_overdue"] = np.where(overdue, (t - a["due"]).dt.days, 0).astype(int)
    has = lambda s: np.where(s.notna() & s.astype("string").str.strip().ne("").fillna(False), "yes", "no")  # noqa: E731
    a["evidence_of_completion"] = has(a["evidence_of_completion"])
    a["evidence_of_impact"] = has(a["evidence_of_impact"])
    a["complete_without_impact"] = np.where(complete & (a["evidence_of_impact"] == "no"), "yes", "no")
    for c in ("created", "due"):
        a[c] = a[c].dt.strftime("%Y-%m-%d")
    a["closed_date"] = np.where(complete, a["closed_date"].dt.strftime("%Y-%m-%d"), "[z]")
    a["theme"] = a["theme"].astype("string").fillna("[z]")
    cols = ["action_id", "source", "source_ref", "theme", "agency", "owner_role", "created", "due",
            "status_at_period_end", "rag", "days_overdue", "evidence_of_completion", "evidence_of_impact",
            "closed_date", "complete_without_impact"]
    return a[cols].sort_values(["action_id"]).reset_index(drop=True)


def action_summary(status: pd.DataFrame) -> pd.DataFrame:
    """Actions by agency and by source (and all): counts by RAG, completion and evidence of impact.

    Returns
    -------
    DataFrame
        ``by`` (agency, source or all), ``subject, n_actions, n_complete, pct_complete,
        n_complete_with_impact, n_complete_without_impact, n_overdue, n_amber, n_green``.
    """
    rows = []

    def summ(by: str, subject: str, g: pd.DataFrame) -> dict[str, Any]:
        n = len(g)
        done = g["status_at_period_end"].eq("complete")
        return {"by": by, "subject": subject, "n_actions": n, "n_complete": int(done.sum()),
                "pct_complete": _pct(float(done.sum()), n),
                "n_complete_with_impact": int((done & g["evidence_of_impact"].eq("yes")).sum()),
                "n_complete_without_impact": int(g["complete_without_impact"].eq("yes").sum()),
                "n_overdue": int(g["rag"].eq("Red").sum()), "n_amber": int(g["rag"].eq("Amber").sum()),
                "n_green": int(g["rag"].eq("Green").sum())}

    for by in ("agency", "source"):
        for key, g in status.groupby(by, sort=True):
            rows.append(summ(by, str(key), g))
    rows.append(summ("all", f"{ALL} actions", status))
    return pd.DataFrame(rows)


def build_flags(res: "AuditResults") -> pd.DataFrame:
    """Flags: domains graded below good, falling grades on re-audit, agencies grading themselves
    above the panel, overdue actions and completed actions without evidence of impact."""
    s = res.settings
    rows: list[dict[str, Any]] = []
    gd = res.grades_domain
    this_period = set(res.audits.loc[res.audits["role"].eq("this period"), "audit_id"])
    for _, r in gd[gd["audit_id"].isin(this_period | {ALL}) & gd["domain"].ne(ALL)].iterrows():
        v = r["pct_good_or_better"]
        if pd.notna(v) and v < s.below_good_threshold:
            scope = (f"across the audits of {_window_text(res)}" if r["audit_id"] == ALL else f"in audit {r['audit_id']}")
            rows.append({"category": "grades below good", "subject": f"{r['domain']} ({'all audits' if r['audit_id'] == ALL else r['audit_id']})",
                         "measure": "percentage of panel grades good or better", "value": v, "lower": np.nan,
                         "upper": np.nan, "severity": "high" if v < s.below_good_threshold / 2 else "medium",
                         "statement": f"{r['domain']} was graded good or better in {v:.0f}% of gradings {scope} "
                                      f"({r['n_cases']} cases{', indicative' if r['indicative'] == 'yes' else ''}).",
                         "evidence_table": "audit_grades_domain",
                         "evidence_key": f"audit_id={r['audit_id']}; domain={r['domain']}"})
    for _, r in res.reaudit.iterrows():
        ch = r["change_pp"]
        if pd.notna(ch) and ch <= -s.fall_threshold:
            rows.append({"category": "falling grades on re-audit", "subject": f"{r['domain']} ({r['theme']})",
                         "measure": "change in percentage of panel grades good or better (points)", "value": ch,
                         "lower": np.nan, "upper": np.nan, "severity": "high" if r["domain"] == ALL else "medium",
                         "statement": f"On re-audit of {r['theme'].lower()} ({r['audit_id']} against {r['earlier_audit_id']}), "
                                      f"{'all domains' if r['domain'] == ALL else r['domain']} fell from "
                                      f"{r['pct_good_or_better_earlier']:.0f}% to {r['pct_good_or_better_later']:.0f}% good or better.",
                         "evidence_table": "audit_reaudit", "evidence_key": f"audit_id={r['audit_id']}; domain={r['domain']}"})
    for _, r in res.agreement[res.agreement["level"].eq("agency")].iterrows():
        v = r["pct_self_higher"]
        if pd.notna(v) and v >= s.self_higher_threshold and r["n_units"] >= s.min_units:
            rows.append({"category": "self-grading above the panel", "subject": r["subject"],
                         "measure": "percentage of units graded higher by the agency than by the panel", "value": v,
                         "lower": np.nan, "upper": np.nan, "severity": "low",
                         "statement": f"{r['subject']} graded its own practice above the panel's moderated grade in "
                                      f"{v:.0f}% of {r['n_units']} gradings.",
                         "evidence_table": "audit_agreement", "evidence_key": f"level=agency; subject={r['subject']}"})
    for _, r in res.actions.iterrows():
        if r["rag"] == "Red":
            rows.append({"category": "overdue action", "subject": f"action {r['action_id']} ({r['agency']})",
                         "measure": "days overdue at the period end", "value": r["days_overdue"], "lower": np.nan,
                         "upper": np.nan, "severity": "high" if r["days_overdue"] > 90 else "medium",
                         "statement": f"Action {r['action_id']} ({r['source']}, {r['agency']}) was due on {r['due']} and "
                                      f"was {r['days_overdue']} days overdue at the period end.",
                         "evidence_table": "audit_actions", "evidence_key": f"action_id={r['action_id']}"})
        elif r["complete_without_impact"] == "yes":
            rows.append({"category": "completed without evidence of impact", "subject": f"action {r['action_id']} ({r['agency']})",
                         "measure": "completed action with no evidence of impact recorded", "value": 1, "lower": np.nan,
                         "upper": np.nan, "severity": "low",
                         "statement": f"Action {r['action_id']} ({r['source']}, {r['agency']}) was completed on "
                                      f"{r['closed_date']} with no evidence of its impact recorded.",
                         "evidence_table": "audit_actions", "evidence_key": f"action_id={r['action_id']}"})
    cols = ["category", "subject", "measure", "value", "lower", "upper", "severity", "statement",
            "evidence_table", "evidence_key"]
    return pd.DataFrame(rows, columns=cols)


def compute(inputs: AuditInputs, period: Period, settings: Settings) -> AuditResults:
    """All the analyses, as pure functions of the validated inputs (no publishing)."""
    fw = inputs.framework
    start, end = window(period, settings.window_months)
    audits = audits_in_window(inputs.register, inputs.grades, period, settings.window_months, fw)
    in_window = list(audits.loc[audits["role"].ne("earlier audit of a re-audited theme"), "audit_id"])
    g = inputs.grades[inputs.grades["audit_id"].isin(in_window)]
    gd = grade_distribution(g, fw, ["audit_id", "domain"], min_cases=settings.min_cases, totals=["audit_id", "domain"])
    ga = grade_distribution(g, fw, ["agency", "domain"], min_cases=settings.min_cases, totals=["domain"])
    ra = reaudit_change(inputs.grades, inputs.register, in_window, fw, min_cases=settings.min_cases)
    agr = agreement_table(inputs.grades, fw, settings, in_window)
    th = theme_counts(inputs.findings, in_window, fw)
    st = action_status(inputs.actions, period.end, fw)
    notes = []
    n_later = int((inputs.actions["created"] > pd.Timestamp(period.end)).sum())
    if n_later:
        notes.append(f"{n_later} action(s) created after the period end are not counted in this period's action log.")
    n_future = int((inputs.register["audit_date"].dt.date > end).sum())
    if n_future:
        notes.append(f"{n_future} audit(s) dated after the period end are not included.")
    res = AuditResults(inputs=inputs, settings=settings, period=period, window_start=start, audits=audits,
                       grades_domain=gd, grades_agency=ga, reaudit=ra, agreement=agr, themes=th, actions=st,
                       action_summary=action_summary(st), flags=pd.DataFrame(), notes=notes)
    res.flags = build_flags(res)
    return res


def analyse(ctx: Any) -> AuditResults:
    """Read the inputs named by the notebook's parameters and run every analysis."""
    try:
        settings = Settings.from_params(ctx.params)
    except (TypeError, ValueError) as exc:
        raise InputError(Problem(file=display_path(ctx.config.params_file), key=f"notebooks.{NOTEBOOK}",
                                 message=str(exc))) from None
    return compute(load(ctx), ctx.config.period, settings)


# --------------------------------------------------------------------------- publishing
def _window_text(res: AuditResults) -> str:
    return f"{res.window_start:%d %B %Y} to {res.period.end:%d %B %Y}"


def show_register(ctx: Any, res: AuditResults) -> Any:
    """Publish ``audit_register``: the audits analysed, with their role in this pack."""
    spec = TableSpec(name="audit_register", title="Multi-agency audits analysed in this pack", unit="cases",
                     rule="small-sample", source="Partnership audit register",
                     notes=f"Audits dated {_window_text(res)}, and the earlier audits of re-audited themes. "
                           "n_cases: audited cases; n_gradings: agency x case x domain grades. " + " ".join(res.notes))
    return _shown(ctx.publish.table(res.audits, spec), spec)


def show_grades(ctx: Any, res: AuditResults, by: str = "domain") -> Any:
    """Publish ``audit_grades_domain`` (by audit and domain) or ``audit_grades_agency`` (by agency and domain)."""
    common = ("Panel (moderated) grades; a grading is one agency's grade of one case in one domain. "
              "pct_good_or_better_self uses the agencies' own grades. Rows from fewer than "
              f"{res.settings.min_cases} cases are indicative (small samples are shown, not suppressed).")
    if by == "domain":
        spec = TableSpec(name="audit_grades_domain", title="Audit grades by domain and audit", unit="cases",
                         rule="small-sample", source=_SOURCE, keys=("audit_id", "domain"),
                         notes=f"Audits dated {_window_text(res)}. " + common)
        return _shown(ctx.publish.table(res.grades_domain, spec), spec)
    if by == "agency":
        spec = TableSpec(name="audit_grades_agency", title="Audit grades by agency and domain", unit="cases",
                         rule="small-sample", source=_SOURCE, keys=("agency", "domain"),
                         notes=f"All audits dated {_window_text(res)}. " + common)
        return _shown(ctx.publish.table(res.grades_agency, spec), spec)
    raise ValueError(f"by {by!r} is not one of: domain, agency")


def chart_grades(ctx: Any, res: AuditResults) -> Any:
    """Publish a heatmap of the share of panel grades good or better by domain and agency."""
    from . import charts

    ga = res.grades_agency[res.grades_agency["agency"].ne(ALL)]
    if ga.empty:
        return None
    m = ga.pivot(index="domain", columns="agency", values="pct_good_or_better")
    m = m.reindex([d for d in list(res.inputs.framework.domains.values()) + [ALL] if d in m.index])
    m = m.rename(index={ALL: "All domains"})
    worst = ga[ga["domain"].ne(ALL)].sort_values("pct_good_or_better").head(1)
    alt = (f"Heatmap of the percentage of panel grades good or better for {m.shape[0] - 1} practice domains "
           f"(rows) and {m.shape[1]} agencies (columns), audits of {_window_text(res)}. ")
    if len(worst):
        w = worst.iloc[0]
        alt += f"The lowest is {w['domain']} for {w['agency']} at {w['pct_good_or_better']:.0f}%."
    chart = charts.heatmap(m, name="audit_grades_heatmap",
                           title="Where practice was graded good or better, by domain and agency",
                           subtitle=f"Percentage of panel moderated grades good or better, audits {_window_text(res)} (indicative: few cases)",
                           source=_SOURCE, alt=alt, fmt="{:.0f}%", config=ctx.config.disclosure,
                           data=ga[["agency", "domain", "n_cases", "n_gradings", "pct_good_or_better", "indicative"]])
    return ctx.publish.figure(chart)


def show_reaudit(ctx: Any, res: AuditResults) -> Any:
    """Publish ``audit_reaudit``: change in grades on re-audited themes."""
    spec = TableSpec(name="audit_reaudit", title="Change in grades when a theme is re-audited", unit="cases",
                     rule="small-sample", source=_SOURCE, keys=("audit_id", "domain"),
                     notes="change_pp: later minus earlier percentage of panel grades good or better, in percentage "
                           "points. Different children are audited each time, so a change is indicative, not a trend.")
    return _shown(ctx.publish.table(res.reaudit, spec), spec)


def chart_reaudit(ctx: Any, res: AuditResults) -> Any | None:
    """Publish a bar chart of the share good or better by domain, earlier against later audit (first re-audit)."""
    from . import charts

    if res.reaudit.empty:
        return None
    first = res.reaudit["audit_id"].iloc[0]
    r = res.reaudit[res.reaudit["audit_id"].eq(first)]
    prev = r["earlier_audit_id"].iloc[0]
    long = pd.concat([
        pd.DataFrame({"domain": r["domain"].replace({ALL: "All domains"}), "audit": f"{prev} (earlier)",
                      "pct_good_or_better": r["pct_good_or_better_earlier"]}),
        pd.DataFrame({"domain": r["domain"].replace({ALL: "All domains"}), "audit": f"{first} (re-audit)",
                      "pct_good_or_better": r["pct_good_or_better_later"]}),
    ], ignore_index=True)
    fell = r[r["direction"].eq("fell") & r["domain"].ne(ALL)]["domain"].tolist()
    rose = r[r["direction"].eq("improved") & r["domain"].ne(ALL)]["domain"].tolist()
    alt = (f"Grouped bar chart comparing, for each domain, the percentage of panel grades good or better in audit "
           f"{prev} and in the re-audit {first} ({r['theme'].iloc[0]}). {len(rose)} domains improved and "
           f"{len(fell)} fell" + (f", including {', '.join(fell[:3])}." if fell else "."))
    chart = charts.bar(long, x="pct_good_or_better", y="domain", hue="audit", name="audit_reaudit",
                       title=f"Re-audit of {r['theme'].iloc[0].lower()}: how grades changed by domain",
                       subtitle="Percentage of panel moderated grades good or better (indicative: few cases)",
                       source=_SOURCE, alt=alt, xlabel="% good or better", value_format="{:.0f}%")
    return ctx.publish.figure(chart)


def show_agreement(ctx: Any, res: AuditResults) -> Any:
    """Publish ``audit_agreement``: agencies' own grades against the panel's."""
    s = res.settings
    spec = TableSpec(name="audit_agreement", title="Do agencies grade their practice as the panel does?", unit="cases",
                     rule="small-sample", source=_SOURCE, keys=("level", "subject"),
                     notes=(f"A unit is one agency's grade of one case in one domain. Exact: same grade; adjacent: "
                            f"within one grade. Weighted kappa uses {s.kappa_weights} weights; its "
                            f"{s.confidence:.0%} interval resamples whole cases ({s.n_boot} resamples, seed {s.seed}) "
                            f"because grades cluster within cases. Indicative below {s.min_units} units or "
                            f"{s.min_cases} cases. alpha_moderators: Krippendorff's ordinal alpha across moderators' "
                            "independent grades, where recorded ([x] otherwise)."))
    out = res.agreement.copy()
    out["alpha_moderators"] = out["alpha_moderators"].astype(object).where(out["alpha_moderators"].notna(), "[x]")
    return _shown(ctx.publish.table(out, spec), spec, decimals=3)


def chart_agreement(ctx: Any, res: AuditResults) -> Any | None:
    """Publish a forest plot of weighted kappa by audit with its case-bootstrap interval."""
    from . import charts

    d = res.agreement[res.agreement["level"].isin(["audit", "all"])].copy()
    if d.empty or d["kappa"].isna().all():
        return None
    lowest = d.sort_values("kappa").iloc[0]
    alt = (f"Forest plot of weighted kappa ({res.settings.kappa_weights} weights) between agencies' own grades and "
           f"the panel's, for {len(d) - 1} audits and all together, with {res.settings.confidence:.0%} intervals "
           f"from resampling cases. The lowest is {lowest['subject']} at {lowest['kappa']:.2f}.")
    chart = charts.forest(d, label="subject", value="kappa", lower="kappa_lower", upper="kappa_upper",
                          name="audit_agreement", title="Agreement between agencies' self-grades and the panel",
                          subtitle=f"Weighted kappa ({res.settings.kappa_weights} weights), {res.settings.confidence:.0%} "
                                   "interval bootstrapped by case; 0 = chance agreement, 1 = perfect",
                          source=_SOURCE, alt=alt, reference=0.0, log=False, xlabel="weighted kappa")
    return ctx.publish.figure(chart)


def show_themes(ctx: Any, res: AuditResults) -> Any:
    """Publish ``audit_themes``: coded strengths and areas for development by theme code."""
    spec = TableSpec(name="audit_themes", title="Recurring themes in audit findings", unit="cases", rule="small-sample",
                     source="Coded audit findings", keys=("theme_code",),
                     notes=f"Audits dated {_window_text(res)}. A theme recurs when it is coded in two or more audits.")
    return _shown(ctx.publish.table(res.themes, spec), spec)


def show_actions(ctx: Any, res: AuditResults, summary: bool = True) -> Any:
    """Publish ``audit_actions`` (one row per action) and ``audit_actions_summary``; return the summary
    (or the action-level table with ``summary=False``)."""
    as_at = f"{res.period.end:%d %B %Y}"
    detail = ctx.publish.table(res.actions.drop(columns=["source_ref"]), TableSpec(
        name="audit_actions", title=f"Action log as at {as_at}", unit="actions", rule="organisations",
        source=_ACTION_SOURCE, keys=("action_id",),
        notes=(f"RAG derived from status and due date as at {as_at}: Blue complete; Red open and past its due date; "
               f"Amber open and due within {res.inputs.framework.amber_days} days; Green open and due later. "
               "An action closed after the period end counts as open. Action text is not published. " + " ".join(res.notes))))
    summ_spec = TableSpec(
        name="audit_actions_summary", title=f"Action completion by agency and by source, as at {as_at}", unit="actions",
        rule="organisations", source=_ACTION_SOURCE, keys=("by", "subject"),
        notes="n_complete_without_impact: completed actions with no evidence of impact recorded.")
    summ = ctx.publish.table(res.action_summary, summ_spec)
    return _shown(summ, summ_spec) if summary else _shown(detail, TableSpec(
        name="audit_actions", title=f"Action log as at {as_at}", unit="actions", rule="organisations"))


def show_actions_attention(ctx: Any, res: AuditResults) -> Any:
    """The published actions that need attention: overdue, or complete without evidence of impact."""
    a = ctx.publish.published.get("audit_actions")
    if a is None:
        show_actions(ctx, res)
        a = ctx.publish.published["audit_actions"]
    keep = a["rag"].eq("Red") | a["complete_without_impact"].eq("yes")
    out = a.loc[keep, ["action_id", "source", "agency", "owner_role", "due", "rag", "days_overdue",
                       "evidence_of_impact", "closed_date"]].copy()
    out.insert(1, "reason", np.where(a.loc[keep, "rag"].eq("Red"), "overdue", "complete without evidence of impact"))
    from .display import styled

    return styled(out, f"Actions needing attention as at {res.period.end:%d %B %Y}: overdue, or complete without "
                       "evidence of impact (from the published action log)", decimals=1)


def publish_flags(ctx: Any, res: AuditResults) -> Any:
    """Write ``flags_audits.csv``; return its severity and statement columns for display."""
    from .display import styled

    f = ctx.publish.flags(res.flags, unit="cases", source=_SOURCE + "; " + _ACTION_SOURCE)
    return styled(f[["severity", "statement"]], "Flags for the quarterly report, most severe first (flags_audits.csv)")


def _shown(published: pd.DataFrame, spec: TableSpec, decimals: int = 1) -> Any:
    """A published table for display: its title as caption, plain headings, no index, cells in full
    (percentages to 1 decimal place; kappa and alpha to 3, as published)."""
    from .display import styled

    return styled(published, spec.title, decimals=decimals, uid="audit_" + spec.name)


# --------------------------------------------------------------------------- briefings
def _identifiers(ctx: Any, inputs: AuditInputs) -> Any:
    """The run's identifiers (every input and names list: ``notebook.input_identifiers``) plus the
    case references of the grades in hand."""
    base = ctx.publish.identifiers()
    values = frozenset(str(v) for v in inputs.grades["case_ref"].dropna().unique())
    try:
        return dataclasses.replace(base, values=frozenset(base.values) | values)
    except (TypeError, AttributeError):  # a guard with another shape: keep what the run provides
        return base


_MONTHS = (r"(?:Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?|"
           r"Sep(?:t(?:ember)?)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)")
_FREE_TEXT_DATE = re.compile(
    r"\b(?:\d{1,2}[/.\-]\d{1,2}[/.\-]\d{2,4}|\d{4}-\d{1,2}-\d{1,2}|"
    rf"\d{{1,2}}(?:st|nd|rd|th)?\s+{_MONTHS}\.?,?\s+\d{{4}}|{_MONTHS}\.?\s+\d{{1,2}}(?:st|nd|rd|th)?,?\s+\d{{4}})\b",
    re.IGNORECASE)
"""Dates in free text (any date, not only a date of birth): removed before the shared guard runs."""


@dataclass(slots=True)
class _Guard:
    """Passes each piece of free text through the redaction guard and counts what it withholds.

    Dates of any kind are replaced first (the issue asks for dates to be removed; the shared
    guard removes dates of birth), then :func:`assurance_lib.disclosure.redact` removes names,
    identifier values, NHS numbers, postcodes, phone numbers and email addresses.
    """

    ids: Any
    withheld: int = 0

    def clear(self, text: Any) -> str | None:
        if text is None or (not isinstance(text, str) and pd.isna(text)) or not str(text).strip():
            return None
        undated = _FREE_TEXT_DATE.sub("[redacted]", " ".join(str(text).split()))
        r = disclosure.redact(undated, self.ids)
        if r.withheld or not r.text.strip():
            self.withheld += 1
            return None
        return " ".join(r.text.split())


def briefing_markdown(audit_id: str, res: AuditResults, guard: Any) -> str:
    """A draft seven-minute briefing for one audit, as Markdown.

    The structure (headings, counts, domain names, grades) is generated from the data; every
    quotation of free text (findings, actions) passes ``guard.clear`` (the redaction guard)
    and is left out when the guard cannot clear it. Case references never appear.

    Parameters
    ----------
    audit_id : str
    res : AuditResults
    guard : object with ``clear(text) -> str | None`` and a ``withheld`` count
    """
    fw = res.inputs.framework
    s = res.settings
    reg = res.inputs.register.set_index("audit_id")
    r = reg.loc[audit_id]
    theme = fw.themes.get(r["theme"])
    theme_label = fw.theme_label(r["theme"])
    g = res.inputs.grades[res.inputs.grades["audit_id"] == audit_id]
    dist = grade_distribution(g, fw, ["domain"], min_cases=s.min_cases, totals=["domain"])
    overall = dist[dist["domain"].eq(ALL)].iloc[0]
    doms = dist[dist["domain"].ne(ALL)].sort_values("pct_good_or_better", kind="stable")
    n_ag = int(g["agency"].nunique())
    lines = [f"# Seven-minute briefing: {theme_label} ({audit_id})", "",
             f"*Draft generated from the audit data for the partnership to edit. {r['audit_type']}, "
             f"{pd.Timestamp(r['audit_date']):%B %Y}.*", ""]
    lines += ["## 1. Background", "",
              f"The partnership audited the multi-agency response to {int(r['n_cases'])} children's cases on the theme of "
              f"{theme_label.lower()} ({r['audit_type'].lower()}). {n_ag} agencies graded their own involvement in "
              f"{len(doms)} practice domains and a multi-agency panel moderated the grades "
              f"({int(overall['n_gradings'])} gradings in all)."]
    prev = r["previous_audit_id"]
    if pd.notna(prev):
        lines += [f"The theme was last audited in {prev} ({pd.Timestamp(reg.at[prev, 'audit_date']):%B %Y})."]
    lines += ["", "## 2. Why it matters", "",
              (theme.why_it_matters if theme and theme.why_it_matters else
               f"The partnership chose {theme_label.lower()} as a priority for assurance this year."), ""]
    lines += ["## 3. What we found", "",
              f"- {overall['pct_good_or_better']:.0f}% of panel grades were good or better "
              f"(agencies' own grades: {overall['pct_good_or_better_self']:.0f}%)."
              + (" These figures come from few cases and are indicative." if overall["indicative"] == "yes" else "")]
    if len(doms):
        best, worst = doms.iloc[-1], doms.iloc[0]
        lines += [f"- Strongest domain: {best['domain']} ({best['pct_good_or_better']:.0f}% good or better).",
                  f"- Weakest domain: {worst['domain']} ({worst['pct_good_or_better']:.0f}% good or better)."]
    ch = res.reaudit[res.reaudit["audit_id"].eq(audit_id) & res.reaudit["domain"].eq(ALL)]
    if len(ch):
        c = ch.iloc[0]
        lines += [f"- Since {c['earlier_audit_id']}, the share good or better {c['direction']} "
                  f"({c['pct_good_or_better_earlier']:.0f}% to {c['pct_good_or_better_later']:.0f}%)."]
    ag = res.agreement[res.agreement["level"].eq("audit") & res.agreement["subject"].eq(audit_id)]
    if len(ag):
        a = ag.iloc[0]
        lines += [f"- Agencies and the panel gave the same grade in {a['pct_exact']:.0f}% of gradings; agencies graded "
                  f"themselves higher in {a['pct_self_higher']:.0f}% (weighted kappa {a['kappa']:.2f})."]
    lines += [""]
    f = res.inputs.findings[res.inputs.findings["audit_id"] == audit_id]
    for num, kind, title in ((4, fw.finding_kinds[0], "Strengths"),
                             (5, fw.finding_kinds[-1], "Areas for development")):
        fk = f[f["kind"] == kind]
        lines += [f"## {num}. {title}", ""]
        if fk.empty:
            lines += [f"No {title.lower()} were coded.", ""]
            continue
        for code, n in fk["theme_code"].value_counts().sort_index().items():
            lines += [f"- {fw.finding_codes.get(str(code), str(code))}: {n} finding{'s' if n != 1 else ''}."]
        quotes, left = [], 0
        for text in fk["text"]:
            if len(quotes) >= s.quotes_per_point:
                break
            q = guard.clear(text)
            if q is None:
                left += 1
            else:
                quotes.append(q)
        lines += [""]
        for q in quotes:
            lines += [f"> {q}", ""]
        if left:
            lines += [f"*{left} quotation{'s' if left != 1 else ''} left out: the redaction guard could not clear "
                      f"{'them' if left != 1 else 'it'}.*", ""]
    acts = res.inputs.actions[res.inputs.actions["source"].eq("audit") & res.inputs.actions["source_ref"].eq(audit_id)
                              & (res.inputs.actions["created"] <= pd.Timestamp(res.period.end))]
    st = res.actions.set_index("action_id")
    lines += ["## 6. What to do", ""]
    if acts.empty:
        lines += ["No actions from this audit are in the action log yet."]
    left = 0
    for _, act in acts.iterrows():
        text = guard.clear(act["action"])
        rag = st.at[act["action_id"], "rag"] if act["action_id"] in st.index else "[x]"
        head = f"- **{act['action_id']}** ({act['agency']}, {act['owner_role']}; due {act['due']:%d %B %Y}; {rag})"
        if text is None:
            left += 1
            lines += [head + "."]
        else:
            lines += [head + f": {text}"]
    if left:
        lines += ["", f"*The text of {left} action{'s' if left != 1 else ''} was left out: the redaction guard could "
                      "not clear it.*"]
    lines += ["", "## 7. Questions for reflection", ""]
    qs = list(theme.questions) if theme else []
    for _, d in doms.head(2).iterrows():
        code = next((c for c, lab in fw.domains.items() if lab == d["domain"]), None)
        if code and fw.domain_questions.get(code):
            qs.append(fw.domain_questions[code])
    lines += [f"- {q}" for q in qs] or ["- What would a child in one of these cases say about our help?"]
    return "\n".join(lines) + "\n"


def briefings(ctx: Any, res: AuditResults, which: str = "this period") -> str:
    """Write ``shareable/text/briefing_<audit_id>.md`` for each audit of this period; return all as Markdown.

    Every free-text quotation passes :func:`assurance_lib.disclosure.redact` with the run's
    identifiers, the case references and the names list; what it cannot clear is left out and
    the count goes to the run log.
    """
    guard = _Guard(_identifiers(ctx, res.inputs))
    ids = list(res.audits.loc[res.audits["role"].eq(which), "audit_id"]) if which else list(res.audits["audit_id"])
    parts = []
    for a in ids:
        md = briefing_markdown(a, res, guard)
        md = ctx.publish.text(f"briefing_{re.sub(r'[^A-Za-z0-9_-]+', '_', a)}", md, free_text=True)
        parts.append(md)
    if guard.withheld:
        # counted in the run log (the text itself never is)
        ctx.publish._log(f"audits: {guard.withheld} free-text passage(s) in the seven-minute briefings could not be "
                         "cleared by the redaction guard and were left out")
    if not parts:
        return "No audit is dated in this period, so there is no briefing."
    return "\n---\n\n".join(parts)


def method_notes(res: AuditResults) -> str:
    """The "Method and caveats" section as Markdown (generated from the settings actually used)."""
    s = res.settings
    fw = res.inputs.framework
    good = ", ".join(g.label for g in fw.grades if g.good_or_better)
    return "\n".join([
        f"- **Window.** Audits dated {_window_text(res)} ({s.window_months} months to the period end); re-audits are "
        "compared with their earlier audit wherever it falls.",
        f"- **Grades.** {fw.k}-point scale ({', '.join(fw.grade_labels)}); good or better means {good}. Shares use the "
        "panel's moderated grade unless labelled self. A grading is one agency's grade of one case in one domain; "
        "gradings within a case are not independent.",
        f"- **Small samples.** Audits look at few children: any figure from fewer than {s.min_cases} cases "
        f"(or, for agreement, fewer than {s.min_units} rated units) is labelled indicative. Figures are shown, not "
        "suppressed: they count cases, not children in the population, and contain no identifiers.",
        f"- **Agreement.** Exact and adjacent (within one grade) agreement; Cohen's weighted kappa with {s.kappa_weights} "
        f"weights (statsmodels); {s.confidence:.0%} percentile interval from {s.n_boot} bootstrap resamples of whole "
        f"cases (seed {s.seed}). Krippendorff's ordinal alpha across moderators where the grades file records two or more.",
        "- **Re-audit.** Different children are audited each time; a change is a prompt for questions, not a trend.",
        f"- **Action log.** RAG is derived as at the period end from status and due date (Amber: due within "
        f"{fw.amber_days} days), never typed in. An action completed after the period end counts as open.",
        "- **Free text.** Quotations pass the redaction guard; what it cannot clear is left out and counted in the run "
        "log. Case references never leave the analysis.",
    ] + [f"- {n}" for n in res.notes]) + "\n"
