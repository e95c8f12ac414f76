"""The inputs of the audit synthesis: the framework, the four input contracts and their readers.

Each input registers an :class:`~assurance_lib.readers.InputContract` at import, so that
``assurance validate`` checks it before any notebook runs:

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
from the framework YAML (``framework_path``). :func:`load` reads all four at once for the
notebook, reporting every problem together.

Case references (``case_ref``) are pseudonymous identifiers: they are used to count cases and
to resample cases in the bootstrap, and never leave the analysis.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import yaml

from ..config import project_root, resolve_path
from ..dates import parse_dates
from ..errors import InputError, Problem
from ..readers import (
    ROW_COLUMN,
    SHEET_COLUMN,
    InputContract,
    display_path,
    duplicate_problems,
    read_table,
    register,
    require_columns,
    row_problems,
    schema_problems,
)
from .settings import NOTEBOOK, Settings, required

__all__ = [
    "Grade",
    "Theme",
    "AuditFramework",
    "load_framework",
    "read_register",
    "read_grades",
    "read_findings",
    "read_actions",
    "AuditInputs",
    "load",
    "MODERATOR_PREFIX",
    "NOTEBOOK",
]


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
    priorities: tuple[str, ...] = ()


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
    statutory_partners : tuple of str
        Agencies of the three safeguarding partners (local authority, police, health): the
        flags' ``statutory_partner`` column.
    default_priorities : tuple of str
        Priority themes (``data/frameworks/priorities.yaml``) of flags about working together
        (self-grading, actions, audits in general).
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
    amber_days: int
    statutory_partners: tuple[str, ...] = ()
    default_priorities: tuple[str, ...] = ()

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

    kinds = {list: "a list", dict: "a mapping", int: "a whole number", str: "text"}

    def need(key: str, kind: type, within: Any = None, prefix: str = "") -> Any:
        """The value of a required key (of ``within``, default the top level); a problem naming it otherwise."""
        src = raw if within is None else within
        v = src.get(key) if isinstance(src, dict) else None
        if not isinstance(v, kind) or isinstance(v, bool):
            problems.append(
                Problem(file=shown, key=prefix + key, message="missing or of the wrong type", expected=kinds[kind])
            )
            return kind()
        return v

    name = need("name", str)

    scale = need("grade_scale", dict)
    grades: list[Grade] = []
    for i, g in enumerate(scale.get("grades", []) if isinstance(scale, dict) else []):
        try:
            grades.append(
                Grade(
                    label=str(g["label"]).strip(),
                    score=int(g["score"]),
                    good_or_better=bool(g.get("good_or_better", False)),
                )
            )
        except (KeyError, TypeError, ValueError):
            problems.append(
                Problem(
                    file=shown,
                    key=f"grade_scale.grades[{i}]",
                    expected="a mapping with label, score and good_or_better",
                )
            )
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
        themes[str(code)] = Theme(
            code=str(code),
            label=str(t["label"]).strip(),
            why_it_matters=" ".join(str(t.get("why_it_matters", "")).split()),
            questions=tuple(str(q).strip() for q in t.get("questions", []) or []),
            priorities=tuple(str(q).strip() for q in t.get("priorities", []) or []),
        )
    audit_types = need("audit_types", list)
    finding_kinds = need("finding_kinds", list)
    finding_codes = need("finding_codes", dict)
    al = need("action_log", dict)
    sources = need("sources", list, al, "action_log.")
    amber_days = need("amber_days", int, al, "action_log.")
    statuses = need("statuses", dict, al, "action_log.")
    open_statuses = need("open", list, statuses, "action_log.statuses.")
    complete_statuses = need("complete", list, statuses, "action_log.statuses.")
    if problems:
        raise InputError(problems)
    try:
        return AuditFramework(
            file=shown,
            name=name.strip(),
            grades=tuple(grades),
            domains=domains,
            domain_questions=questions,
            audit_types=tuple(str(t) for t in audit_types),
            themes=themes,
            finding_kinds=tuple(str(k) for k in finding_kinds),
            finding_codes={str(k): str(v) for k, v in finding_codes.items()},
            sources=tuple(str(s) for s in sources),
            open_statuses=tuple(str(s) for s in open_statuses),
            complete_statuses=tuple(str(s) for s in complete_statuses),
            amber_days=amber_days,
            statutory_partners=tuple(str(a).strip() for a in raw.get("statutory_partners", []) or []),
            default_priorities=tuple(str(a).strip() for a in raw.get("default_priorities", []) or []),
        )
    except ValueError as exc:
        raise InputError(Problem(file=shown, key="grade_scale", message=str(exc).split(": ", 1)[-1])) from None


def load_framework(path: str | Path) -> AuditFramework:
    """Read and check the audit framework YAML (notebook parameter ``framework_path``).

    Raises
    ------
    InputError
        When the file is missing or malformed, naming the file and key.
    """
    p = resolve_path(path, project_root())
    if not p.is_file():
        raise InputError(Problem(file=display_path(p), message="no such framework file"))
    return _load_framework_cached(str(p.resolve()), p.stat().st_mtime)


def _framework_from(params: Mapping[str, Any]) -> AuditFramework:
    return load_framework(required(params, "framework_path"))


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


def _validate_required(
    df: pd.DataFrame,
    required: Sequence[str],
    file: str,
    hide: Sequence[str] = (),
    patterns: Mapping[str, tuple[str, str]] = {},
) -> list[Problem]:
    _, problems = schema_problems(df, _schema(required, patterns), file, hide_values=hide)
    return problems


def _vocab(
    df: pd.DataFrame, col: str, allowed: Mapping[str, str], file: str, expected: Sequence[str], problems: list[Problem]
) -> pd.Series:
    """Map a column through ``allowed`` (normalised text -> canonical); report unknown values."""
    s = df[col].astype("string")
    mapped = s.map(lambda v: allowed.get(_norm(v)) if pd.notna(v) else pd.NA).astype("string")
    bad = s.notna() & mapped.isna()
    problems.extend(row_problems(df, bad, file, col, f"one of: {', '.join(expected)}"))
    return mapped


def _dates(df: pd.DataFrame, col: str, file: str, problems: list[Problem], *, required: bool) -> pd.Series:
    """A date column read by the workbench's one date rule (:func:`assurance_lib.dates.parse_dates`)."""
    return parse_dates(
        df[col],
        file=file,
        column=col,
        rows=df[ROW_COLUMN] if ROW_COLUMN in df.columns else None,
        sheets=df[SHEET_COLUMN] if SHEET_COLUMN in df.columns else None,
        required=required,
        problems=problems,
    )


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
    problems += _validate_required(
        df, REGISTER_COLUMNS, file, patterns={"n_cases": (r"^[0-9]+$", "a whole number of cases")}
    )
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
            problems += row_problems(
                df,
                pd.Series(df.index == i, index=df.index),
                file,
                "previous_audit_id",
                "empty or the audit_id of another audit in this register",
            )
            continue
        j = ids[p]
        if p == df.at[i, "audit_id"]:
            problems += row_problems(
                df,
                pd.Series(df.index == i, index=df.index),
                file,
                "previous_audit_id",
                "an earlier audit, not the audit itself",
            )
        elif pd.notna(date[i]) and pd.notna(date[j]) and date[j] >= date[i]:
            problems += row_problems(
                df,
                pd.Series(df.index == i, index=df.index),
                file,
                "previous_audit_id",
                "an audit dated before this one",
                message="is not earlier than this audit",
            )
        elif pd.notna(theme[i]) and pd.notna(theme[j]) and theme[i] != theme[j]:
            problems += row_problems(
                df,
                pd.Series(df.index == i, index=df.index),
                file,
                "previous_audit_id",
                f"an earlier audit on the same theme ({theme[i]})",
                message=f"is an audit on another theme ({theme[j]})",
            )
    if problems:
        raise InputError(problems)
    out = pd.DataFrame(
        {
            ROW_COLUMN: df[ROW_COLUMN],
            "audit_id": df["audit_id"].astype("string"),
            "theme": theme,
            "audit_type": atype,
            "audit_date": date,
            "n_cases": n.astype(int),
            "previous_audit_id": prev,
        }
    )
    return out.reset_index(drop=True)


def _try_register(params: Mapping[str, Any]) -> pd.DataFrame | None:
    """The register for cross-file checks; None when absent or invalid (its own contract reports it)."""
    p = required(params, "register_path")
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
    out = pd.DataFrame(
        {
            ROW_COLUMN: df[ROW_COLUMN],
            "audit_id": df["audit_id"].astype("string"),
            "case_ref": df["case_ref"].astype("string"),
            "agency": df["agency"].astype("string"),
            "domain": domain,
        }
    )
    for col in ("agency_grade", "panel_grade"):
        lab = _vocab(df, col, grade_map, file, fw.grade_labels, problems)
        out[col] = lab
        out[col.replace("_grade", "_score")] = lab.map(
            lambda v: score.get(v, np.nan) if pd.notna(v) else np.nan
        ).astype(float)
    for col in [c for c in df.columns if c.startswith(MODERATOR_PREFIX)]:
        lab = _vocab(df, col, grade_map, file, fw.grade_labels, problems)
        out[col] = lab.map(lambda v: score.get(v, np.nan) if pd.notna(v) else np.nan).astype(float)
    problems += duplicate_problems(
        df.assign(domain=domain), ["audit_id", "case_ref", "agency", "domain"], file, hide=("case_ref",)
    )
    reg = _try_register(params)
    if reg is not None:
        known = set(reg["audit_id"])
        problems += row_problems(
            df,
            df["audit_id"].notna() & ~df["audit_id"].isin(known),
            file,
            "audit_id",
            "an audit_id of the audit register",
        )
        cases = out.dropna(subset=["audit_id", "case_ref"]).groupby("audit_id")["case_ref"].nunique()
        for _, r in reg.iterrows():
            got = int(cases.get(r["audit_id"], 0))
            if got and got != int(r["n_cases"]):
                problems.append(
                    Problem(
                        file=file,
                        key=f"audit_id={r['audit_id']}",
                        column="case_ref",
                        message=f"has {got} distinct cases",
                        expected=f"{int(r['n_cases'])} cases, as the audit register says",
                    )
                )
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
        problems += row_problems(
            df,
            df["audit_id"].notna() & ~df["audit_id"].isin(set(reg["audit_id"])),
            file,
            "audit_id",
            "an audit_id of the audit register",
        )
    if problems:
        raise InputError(problems)
    return pd.DataFrame(
        {
            ROW_COLUMN: df[ROW_COLUMN],
            "audit_id": df["audit_id"].astype("string"),
            "domain": domain,
            "theme_code": code,
            "kind": kind,
            "text": df["text"].astype("string"),
        }
    ).reset_index(drop=True)


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
    closed = (
        _dates(df, "closed_date", file, problems, required=False)
        if "closed_date" in df.columns
        else pd.Series(pd.NaT, index=df.index, dtype="datetime64[ns]")
    )
    problems += row_problems(
        df,
        due < created,
        file,
        "due",
        "a due date on or after the date the action was created",
        message="is before the action was created",
    )
    problems += row_problems(
        df,
        closed < created,
        file,
        "closed_date",
        "a date on or after the date the action was created",
        message="is before the action was created",
    )
    complete = status.isin(fw.complete_statuses)
    is_open = status.isin(fw.open_statuses)
    if "closed_date" in df.columns:
        raw_closed = df["closed_date"]
        problems += row_problems(
            df,
            complete & raw_closed.isna(),
            file,
            "closed_date",
            f"the date the action was completed (status is {', '.join(fw.complete_statuses)})",
        )
        problems += row_problems(
            df,
            is_open & raw_closed.notna(),
            file,
            "closed_date",
            f"empty while the status is open ({', '.join(fw.open_statuses)})",
        )
    else:
        problems += row_problems(
            df,
            complete,
            file,
            "closed_date",
            "a closed_date column giving when the action was completed",
            message="is missing",
        )
    reg = _try_register(params)
    if reg is not None:
        bad = source.eq("audit").fillna(False) & df["source_ref"].notna() & ~df["source_ref"].isin(set(reg["audit_id"]))
        problems += row_problems(df, bad, file, "source_ref", "an audit_id of the audit register (source is audit)")
    if problems:
        raise InputError(problems)
    return pd.DataFrame(
        {
            ROW_COLUMN: df[ROW_COLUMN],
            "action_id": df["action_id"].astype("string"),
            "source": source,
            "source_ref": df["source_ref"].astype("string"),
            "theme": _optional(df, "theme"),
            "agency": df["agency"].astype("string"),
            "owner_role": df["owner_role"].astype("string"),
            "action": df["action"].astype("string"),
            "created": created,
            "due": due,
            "status": status,
            "evidence_of_completion": _optional(df, "evidence_of_completion"),
            "evidence_of_impact": _optional(df, "evidence_of_impact"),
            "closed_date": closed,
        }
    ).reset_index(drop=True)


register(
    InputContract(
        name="audit_register",
        notebook=NOTEBOOK,
        parameter="register_path",
        read=read_register,
        description="one row per multi-agency audit: theme, type, date, cases, earlier audit",
    )
)
register(
    InputContract(
        name="audit_grades",
        notebook=NOTEBOOK,
        parameter="grades_path",
        read=read_grades,
        description="one row per audit x case x agency x domain: agency and panel grades",
        identifier_columns=("case_ref",),
    )
)
register(
    InputContract(
        name="audit_findings",
        notebook=NOTEBOOK,
        parameter="findings_path",
        read=read_findings,
        description="coded strengths and areas for development with free text",
    )
)
register(
    InputContract(
        name="audit_actions",
        notebook=NOTEBOOK,
        parameter="actions_path",
        read=read_actions,
        description="the partnership action log (audit, Section 11 and review actions)",
    )
)


@dataclass(frozen=True, slots=True, kw_only=True)
class AuditInputs:
    """The four validated inputs and the framework."""

    framework: AuditFramework
    register: pd.DataFrame
    grades: pd.DataFrame
    findings: pd.DataFrame
    actions: pd.DataFrame


def load(settings: Settings) -> AuditInputs:
    """Read the four inputs and the framework the settings name, reporting every problem at once.

    Raises
    ------
    InputError
        Listing every problem of every input (file, row, column, value, expected).
    """
    params = {"framework_path": settings.framework_path, "register_path": settings.register_path}
    framework = load_framework(settings.framework_path)
    frames: dict[str, pd.DataFrame] = {}
    problems: list[Problem | str] = []
    for name, path, fn in (
        ("register", settings.register_path, read_register),
        ("grades", settings.grades_path, read_grades),
        ("findings", settings.findings_path, read_findings),
        ("actions", settings.actions_path, read_actions),
    ):
        try:
            frames[name] = fn(path, params)
        except InputError as exc:
            problems.extend(exc.problems)
    if problems:
        raise InputError(problems)
    return AuditInputs(framework=framework, **frames)
