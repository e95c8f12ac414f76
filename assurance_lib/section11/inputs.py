"""Section 11 inputs: the agency register, the returns (CSV or Excel) and their contracts.

Agency register (CSV or XLSX), one row per agency for the current cycle:

================= ============================================================================
agency            the agency's name, as used in the returns (unique)
sector            e.g. Police, Acute health trust, Education (free text, not empty)
statutory_partner ``yes`` or ``no``: one of the three safeguarding partners' organisations
expected_return   ``yes`` or ``no``: expected to return a self-assessment this cycle
deadline          the return deadline, ``YYYY-MM-DD`` (required when a return is expected)
date_received     the date the return came in, ``YYYY-MM-DD``; empty = not received
================= ============================================================================

Returns, one row per cycle x agency x standard (x sub-question), as a long CSV, a long Excel
sheet, or an Excel workbook with one sheet per agency (every sheet with the same columns;
sheets named in :data:`SKIPPED_SHEETS` are guidance and are not read):

================== ===========================================================================
cycle              the self-assessment cycle, ``YYYY-YY`` (e.g. ``2026-27``)
agency             as in the register
standard           a standard id of the framework
sub_question       optional column: a sub-question id of that standard (empty = whole standard)
self_rating        the agency's rating, on the standard's scale
evidence           narrative evidence (free text: read only to know whether evidence was given)
evidence_refs      optional column: document references (read only to know whether given)
moderated_rating   the challenge panel's rating where the return was moderated, else empty
moderation_outcome accepted, downgraded, upgraded or evidence requested (empty if not moderated)
moderation_note    the panel's note (free text: not read beyond whether one was given)
action             the agency's action for a standard not fully met (free text)
action_owner       the role that owns the action (a job title, not a person's name)
action_due         the action's due date, ``YYYY-MM-DD``
previous_action_completed optional column: the date the previous cycle's action on this standard
                   was completed (``YYYY-MM-DD``); empty = not completed or not recorded
================== ===========================================================================

Every reader raises :class:`~assurance_lib.errors.InputError` listing every problem, naming the
file, sheet, row, column, value and what was expected; no row is dropped.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pandas as pd

from ..dates import parse_dates
from ..errors import InputError, Problem
from ..readers import (
    ROW_COLUMN,
    SHEET_COLUMN,
    display_path,
    duplicate_problems,
    read_table,
    require_columns,
    row_problems,
    schema_problems,
)
from .framework import Framework, load_framework

__all__ = [
    "REGISTER_COLUMNS",
    "RETURNS_COLUMNS",
    "RETURNS_OPTIONAL_COLUMNS",
    "MODERATION_OUTCOMES",
    "SKIPPED_SHEETS",
    "read_agency_register",
    "read_returns",
    "read_framework_input",
]

REGISTER_COLUMNS = ("agency", "sector", "statutory_partner", "expected_return", "deadline", "date_received")
RETURNS_COLUMNS = (
    "cycle",
    "agency",
    "standard",
    "self_rating",
    "evidence",
    "moderated_rating",
    "moderation_outcome",
    "moderation_note",
    "action",
    "action_owner",
    "action_due",
)
RETURNS_OPTIONAL_COLUMNS = ("sub_question", "evidence_refs", "previous_action_completed")
MODERATION_OUTCOMES = ("accepted", "downgraded", "upgraded", "evidence requested")
SKIPPED_SHEETS = ("Instructions", "Guidance", "Lists", "README")
"""Workbook sheets holding guidance or drop-down lists, not returns."""

_YES = {"yes", "y", "true", "1"}
_NO = {"no", "n", "false", "0"}
_CYCLE_RE = re.compile(r"^(\d{4})-(\d{2})$")


def _register_schema() -> Any:
    """The register's pandera schema (pandera is imported here: only this reader needs it, and it
    costs every notebook that imports the package a few tenths of a second)."""
    import pandera.pandas as pa

    return pa.DataFrameSchema(
        {
            "agency": pa.Column("string", nullable=False),
            "sector": pa.Column("string", nullable=False),
            "statutory_partner": pa.Column("string", pa.Check.isin(sorted(_YES | _NO)), nullable=False),
            "expected_return": pa.Column("string", pa.Check.isin(sorted(_YES | _NO)), nullable=False),
        },
        strict=False,
        coerce=False,
    )


def _dates(df: pd.DataFrame, col: str, file: str, problems: list[Problem]) -> pd.Series:
    """A date column read by the workbench's one date rule (:func:`assurance_lib.dates.parse_dates`);
    a blank cell is no date (``NaT``)."""
    return parse_dates(
        df[col],
        file=file,
        column=col,
        rows=df[ROW_COLUMN],
        sheets=df[SHEET_COLUMN] if SHEET_COLUMN in df.columns else None,
        problems=problems,
    )


def _param(params: Mapping[str, Any] | None, key: str) -> Path | None:
    v = (params or {}).get(key)
    if not v:
        return None
    from ..config import resolve_path

    return resolve_path(str(v))


def read_agency_register(path: Path | str, params: Mapping[str, Any] | None = None) -> pd.DataFrame:
    """Read and check the agency register.

    Returns
    -------
    DataFrame
        ``agency, sector`` (text), ``statutory_partner, expected_return`` (bool),
        ``deadline, date_received`` (datetime, NaT when empty) and ``_row``.

    Raises
    ------
    InputError
        Missing columns, empty or invalid values, dates not written as the date rule says
        (:mod:`assurance_lib.dates`), a missing deadline for an expected return, repeated agencies.
    """
    p = Path(path)
    shown = display_path(p)
    df = read_table(p)
    problems = require_columns(df, REGISTER_COLUMNS, shown)
    if problems:
        raise InputError(problems)
    for c in ("statutory_partner", "expected_return"):
        df[c] = df[c].str.lower()
    _, problems = schema_problems(df, _register_schema(), shown)
    dates = {c: _dates(df, c, shown, problems) for c in ("deadline", "date_received")}
    expected = df["expected_return"].isin(sorted(_YES))
    problems += row_problems(
        df,
        expected & df["deadline"].isna(),
        shown,
        "deadline",
        "a deadline (a date written yyyy-mm-dd or dd/mm/yyyy) for an agency expected to return",
    )
    problems += duplicate_problems(df, ["agency"], shown)
    if problems:
        raise InputError(problems)
    out = df[[ROW_COLUMN, *REGISTER_COLUMNS]].copy()
    for c in ("statutory_partner", "expected_return"):
        out[c] = out[c].isin(sorted(_YES))
    for c in ("deadline", "date_received"):
        out[c] = dates[c]
    return out.reset_index(drop=True)


def read_framework_input(path: Path | str, params: Mapping[str, Any] | None = None) -> pd.DataFrame:
    """Contract reader for the framework file: its standards as a frame (see :func:`load_framework`)."""
    return load_framework(path).standards_frame()


def _read_returns_table(
    p: Path, shown: str, columns: tuple[str, ...] = RETURNS_COLUMNS
) -> tuple[pd.DataFrame, list[Problem]]:
    """Read a returns CSV or workbook; for a workbook, check each sheet's columns."""
    if p.suffix.lower() not in (".xlsx", ".xlsm"):
        df = read_table(p)
        return df, require_columns(df, columns, shown)
    from openpyxl import load_workbook

    try:
        wb = load_workbook(p, read_only=True)
    except Exception as exc:  # not a workbook: let read_table report it
        read_table(p)
        raise InputError(Problem(file=shown, message=f"could not be read ({type(exc).__name__})")) from None
    try:
        headers = {
            ws.title: [
                str(h).strip() for h in (next(ws.iter_rows(max_row=1, values_only=True), ()) or ()) if h is not None
            ]
            for ws in wb.worksheets
        }
    finally:
        wb.close()
    problems: list[Problem] = []
    sheets = [s for s in headers if s not in SKIPPED_SHEETS]
    if not sheets:
        raise InputError(
            Problem(
                file=shown,
                message="has no sheet of returns",
                expected=f"at least one sheet other than {', '.join(SKIPPED_SHEETS)}",
            )
        )
    for s in sheets:
        have = headers[s]
        for c in columns:
            if c not in have:
                problems.append(
                    Problem(
                        file=shown,
                        place=f"sheet '{s}'",
                        column=c,
                        message="is missing",
                        expected=f"a column named '{c}' (the sheet has: {', '.join(have) or 'no columns'})",
                    )
                )
    if problems:
        return pd.DataFrame(), problems
    df = read_table(p, all_sheets=True)
    df = df[df[SHEET_COLUMN].isin(sheets)].reset_index(drop=True)
    return df, []


def read_returns(
    path: Path | str,
    params: Mapping[str, Any] | None = None,
    *,
    org_column: str = "agency",
    register: pd.DataFrame | None = None,
    register_shown: str = "",
) -> pd.DataFrame:
    """Read and check the Section 11 returns against the framework and the agency register.

    Parameters
    ----------
    path : path-like
        Long CSV, or an Excel workbook (one sheet per agency, or one long sheet).
    params : mapping
        The notebook's resolved parameters: ``framework_path`` (required) and
        ``register_path`` (required unless ``register`` is given): the framework gives the
        standards and scales, the register the agencies.
    org_column : str
        The column naming the organisation in the file (``agency``; the schools audit uses
        ``urn``); it is returned as ``agency`` (the rating engine's organisation key) and named
        as it is in the file in every message.
    register, register_shown : DataFrame, str
        An organisation register already read (its ``agency`` column holds the keys) and how to
        name it in messages (the schools register).

    Returns
    -------
    DataFrame
        One row per input row: ``_row`` (and ``_sheet``), ``cycle, agency, standard,
        sub_question, scale``, ``self_label, self_position, self_status``, ``moderated``
        (bool), ``moderated_label, moderated_position, moderated_status``,
        ``moderation_outcome``, ``has_evidence`` (narrative or document reference given),
        ``has_moderation_note``, ``action, action_owner`` (free text, internal only),
        ``action_due`` (datetime). The evidence narrative and the moderation note themselves
        are not kept.

    Raises
    ------
    InputError
        Every problem: missing or renamed columns (per sheet for a workbook), empty required
        values, a cycle not ``YYYY-YY``, an agency missing from the register, a standard not
        in the framework, a sub-question not of its standard, a rating not on the standard's
        scale, an unknown moderation outcome or one that contradicts the ratings, a bad date,
        and duplicate rows.
    """
    params = dict(params or {})
    p = Path(path)
    shown = display_path(p)
    fw_path = _param(params, "framework_path")
    reg_path = _param(params, "register_path")
    setup_problems = []
    if fw_path is None:
        setup_problems.append(
            Problem(
                file=shown,
                message="cannot be checked: no framework_path parameter",
                expected="the framework YAML the returns are rated against",
            )
        )
    if reg_path is None and register is None:
        setup_problems.append(
            Problem(file=shown, message="cannot be checked: no register_path parameter", expected="the agency register")
        )
    if setup_problems:
        raise InputError(setup_problems)
    assert fw_path is not None
    framework: Framework | None
    try:
        framework = load_framework(fw_path)
    except InputError:
        framework = None
    if register is None:
        assert reg_path is not None
        register_shown = display_path(reg_path)
        try:
            register = read_agency_register(reg_path, params)
        except InputError:
            register = None
    columns = tuple(org_column if c == "agency" else c for c in RETURNS_COLUMNS)
    df, problems = _read_returns_table(p, shown, columns)
    if problems:
        raise InputError(problems)
    if org_column != "agency" and org_column in df.columns:
        df["agency"] = df[org_column]
    if framework is None or register is None:
        which = " and ".join(n for n, v in (("framework", framework), ("agency register", register)) if v is None)
        raise InputError(
            Problem(file=shown, message=f"not checked: the {which} has problems (listed under its own input)")
        )
    for c in RETURNS_OPTIONAL_COLUMNS:
        if c not in df.columns:
            df[c] = pd.Series(pd.NA, index=df.index, dtype="string")

    for c in ("cycle", org_column, "standard", "self_rating"):
        problems += row_problems(df, df[c].isna(), shown, c, "a value (the column may not be empty)")
    problems += row_problems(
        df,
        df["cycle"].notna() & ~df["cycle"].str.fullmatch(_CYCLE_RE.pattern).fillna(False),
        shown,
        "cycle",
        "a cycle label like '2026-27'",
    )
    agencies = sorted(register["agency"].astype(str))
    problems += row_problems(
        df,
        df["agency"].notna() & ~df["agency"].isin(agencies),
        shown,
        org_column,
        f"an agency named in the agency register {register_shown}"
        if org_column == "agency"
        else f"a {org_column} listed in the register {register_shown}",
    )
    std_ids = list(framework.standard_ids)
    unknown_std = df["standard"].notna() & ~df["standard"].isin(std_ids)
    problems += row_problems(
        df,
        unknown_std,
        shown,
        "standard",
        f"a standard of the framework '{framework.id}' (one of: {', '.join(std_ids)})",
    )

    n = len(df)
    scale_ids: list[Any] = [pd.NA] * n
    parsed: dict[str, list[Any]] = {
        k: [pd.NA] * n
        for k in (
            "self_label",
            "self_position",
            "self_status",
            "moderated_label",
            "moderated_position",
            "moderated_status",
        )
    }
    for j, i in enumerate(df.index):
        sid = df.at[i, "standard"]
        if pd.isna(sid) or sid not in std_ids:
            continue
        std = framework.standard(str(sid))
        scale = framework.scales[std.scale]
        scale_ids[j] = scale.id
        sq = df.at[i, "sub_question"]
        if pd.notna(sq) and str(sq) not in {q for q, _ in std.sub_questions}:
            subs = ", ".join(q for q, _ in std.sub_questions) or "none: leave it empty"
            problems.append(
                Problem(
                    file=shown,
                    place=_place(df, i),
                    column="sub_question",
                    value=str(sq),
                    expected=f"a sub-question of standard {sid} ({subs})",
                )
            )
        for col, pre in (("self_rating", "self"), ("moderated_rating", "moderated")):
            v = df.at[i, col]
            if pd.isna(v):
                continue
            r = scale.parse(v)
            if r is None:
                problems.append(
                    Problem(
                        file=shown,
                        place=_place(df, i),
                        column=col,
                        value=str(v),
                        expected=f"a rating on the scale '{scale.id}' of standard {sid} ({scale.expected()})",
                    )
                )
                continue
            parsed[f"{pre}_label"][j] = r.label
            parsed[f"{pre}_position"][j] = r.position
            parsed[f"{pre}_status"][j] = r.status

    outcome = df["moderation_outcome"].str.lower()
    bad_outcome = outcome.notna() & ~outcome.isin(MODERATION_OUTCOMES)
    problems += row_problems(
        df,
        bad_outcome,
        shown,
        "moderation_outcome",
        f"one of: {', '.join(MODERATION_OUTCOMES)} (or empty when not moderated)",
    )
    sp = pd.to_numeric(pd.Series(parsed["self_position"], index=df.index), errors="coerce")
    mp = pd.to_numeric(pd.Series(parsed["moderated_position"], index=df.index), errors="coerce")
    has_mod = df["moderated_rating"].notna()
    problems += row_problems(
        df,
        has_mod & outcome.isna(),
        shown,
        "moderation_outcome",
        f"an outcome for a moderated rating (one of: {', '.join(MODERATION_OUTCOMES)})",
    )
    problems += row_problems(
        df,
        ~has_mod & outcome.isin(["accepted", "downgraded", "upgraded"]),
        shown,
        "moderated_rating",
        "the panel's rating, since the moderation outcome says it was moderated",
    )
    both = sp.notna() & mp.notna() & outcome.isin(["accepted", "downgraded", "upgraded"])
    implied = pd.Series(["accepted"] * n, index=df.index, dtype="string")
    implied[mp < sp] = "downgraded"
    implied[mp > sp] = "upgraded"
    contradict = both & (implied != outcome)
    for i in df.index[contradict.fillna(False)]:
        problems.append(
            Problem(
                file=shown,
                place=_place(df, i),
                column="moderation_outcome",
                value=str(df.at[i, "moderation_outcome"]),
                expected=f"'{implied[i]}', since the moderated rating '{df.at[i, 'moderated_rating']}' "
                f"{'equals' if implied[i] == 'accepted' else ('is lower than' if implied[i] == 'downgraded' else 'is higher than')} "
                f"the self-rating '{df.at[i, 'self_rating']}'",
            )
        )
    action_due = _dates(df, "action_due", shown, problems)
    previous_action_completed = _dates(df, "previous_action_completed", shown, problems)
    dup_keys = ["cycle", org_column, "standard", "sub_question"]
    problems += duplicate_problems(df.assign(sub_question=df["sub_question"].fillna("")), dup_keys, shown)
    if problems:
        raise InputError(problems)

    out = pd.DataFrame(
        {
            ROW_COLUMN: df[ROW_COLUMN].to_numpy(),
            "cycle": df["cycle"].astype("string"),
            "agency": df["agency"].astype("string"),
            "standard": df["standard"].astype("string"),
            "sub_question": df["sub_question"].astype("string"),
            "scale": pd.array(scale_ids, dtype="string"),
            "self_label": pd.array(parsed["self_label"], dtype="string"),
            "self_position": pd.array(parsed["self_position"], dtype="Float64"),
            "self_status": pd.array(parsed["self_status"], dtype="string"),
            "moderated": has_mod.to_numpy(),
            "moderated_label": pd.array(parsed["moderated_label"], dtype="string"),
            "moderated_position": pd.array(parsed["moderated_position"], dtype="Float64"),
            "moderated_status": pd.array(parsed["moderated_status"], dtype="string"),
            "moderation_outcome": outcome.astype("string"),
            "has_evidence": (df["evidence"].notna() | df["evidence_refs"].notna()).to_numpy(),
            "has_moderation_note": df["moderation_note"].notna().to_numpy(),
            "action": df["action"].astype("string"),
            "action_owner": df["action_owner"].astype("string"),
            "action_due": action_due,
            "previous_action_completed": previous_action_completed,
        },
        index=df.index,
    )
    if SHEET_COLUMN in df.columns:
        out.insert(1, SHEET_COLUMN, df[SHEET_COLUMN].astype("string"))
    return out.reset_index(drop=True)


def _place(df: pd.DataFrame, i: Any) -> str:
    parts = []
    if SHEET_COLUMN in df.columns and pd.notna(df.at[i, SHEET_COLUMN]):
        parts.append(f"sheet '{df.at[i, SHEET_COLUMN]}'")
    parts.append(f"row {int(df.at[i, ROW_COLUMN])}")
    return ", ".join(parts)
