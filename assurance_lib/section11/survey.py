"""The practitioner survey: its input contract, reader and summary (shared by notebooks 02 and 04).

It lives with Section 11 (its answers map to the Section 11 standards, its agencies to the agency
register); notebook 06 reads it through :mod:`assurance_lib.voice`.

One row per respondent x question (CSV or XLSX) with the columns
:data:`PRACTITIONER_SURVEY_COLUMNS`:

========== ==================================================================================
respondent a pseudonymous reference (an **identifier**: never output, never in a message)
agency     the respondent's agency, as named in the Section 11 agency register
sector     the agency's sector
question_id the question's id (one question maps to one scale, standard and theme)
answer     the answer, a level of ``scale`` (label, short form or alias; case-insensitive)
scale      the answer scale's id in ``data/frameworks/scales_survey.yaml`` (e.g. ``agree5``)
standard   the Section 11 standard the question maps to (may be empty: a theme-only question)
theme      the theme the question maps to
========== ==================================================================================

Any other column (free-text answers among them) is not read: it is dropped on reading.

:func:`read_practitioner_survey` is the ``read`` function of an input contract; it takes the
notebook's resolved parameters and uses, when present, ``survey_scales_path`` (default the
bundled ``data/frameworks/scales_survey.yaml``), ``register_path`` (agencies must be in the
Section 11 agency register) and ``framework_path`` (standards must be in the framework).
:func:`summarise_practitioner_survey` gives agreement by theme and standard with respondent
counts, never pooling answers given on different scales.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import pandas as pd

from ..errors import InputError, Problem
from ..readers import (
    ROW_COLUMN,
    SHEET_COLUMN,
    display_path,
    duplicate_problems,
    read_table,
    require_columns,
    row_problems,
)
from .framework import load_framework
from .inputs import read_agency_register
from .scales import load_scales

__all__ = [
    "PRACTITIONER_SURVEY_COLUMNS",
    "SURVEY_IDENTIFIER_COLUMNS",
    "DEFAULT_SURVEY_SCALES",
    "read_practitioner_survey",
    "summarise_practitioner_survey",
]

PRACTITIONER_SURVEY_COLUMNS: tuple[str, ...] = (
    "respondent",
    "agency",
    "sector",
    "question_id",
    "answer",
    "scale",
    "standard",
    "theme",
)
"""The columns of the practitioner survey contract."""

SURVEY_IDENTIFIER_COLUMNS: tuple[str, ...] = ("respondent",)
"""Columns holding identifiers: their values are scanned for in the pack and never shown."""

DEFAULT_SURVEY_SCALES = Path("data") / "frameworks" / "scales_survey.yaml"
"""The bundled survey answer scales (relative to the project root)."""

_REQUIRED_VALUES = ("respondent", "agency", "sector", "question_id", "answer", "scale", "theme")


def _param_path(params: Mapping[str, Any], key: str) -> Path | None:
    v = params.get(key) if params else None
    if not v:
        return None
    from ..config import resolve_path

    return resolve_path(str(v))


def read_practitioner_survey(path: Path | str, params: Mapping[str, Any] | None = None) -> pd.DataFrame:
    """Read and check the practitioner survey.

    Parameters
    ----------
    path : path-like
        CSV or XLSX (for Excel, every sheet is read and stacked).
    params : mapping, optional
        The notebook's resolved parameters. Used when present: ``survey_scales_path``,
        ``register_path``, ``framework_path`` (see the module notes).

    Returns
    -------
    DataFrame
        The contract columns as text, plus ``answer_label`` (the level's label), ``position``
        (0 worst to 1 best on the answer's own scale), ``positive`` (the answer counts as
        agreement) and ``_row`` (and ``_sheet`` for Excel). One row per input row.

    Raises
    ------
    InputError
        Listing every problem: missing columns, empty required values, unknown scales,
        answers not on their scale, a question mapped to two scales, standards or themes,
        repeated respondent x question rows, agencies missing from the register and standards
        not in the framework. Respondent references are never shown in messages.
    """
    params = dict(params or {})
    p = Path(path)
    shown = display_path(p)
    df = read_table(p, all_sheets=p.suffix.lower() in (".xlsx", ".xlsm"))
    problems = require_columns(df, PRACTITIONER_SURVEY_COLUMNS, shown)
    if problems:
        raise InputError(problems)
    keep = [c for c in (ROW_COLUMN, SHEET_COLUMN) if c in df.columns] + list(PRACTITIONER_SURVEY_COLUMNS)
    df = df[keep].copy()  # any other column (free text among them) is not read
    for c in PRACTITIONER_SURVEY_COLUMNS:
        df[c] = df[c].astype("string")

    for c in _REQUIRED_VALUES:
        problems += row_problems(
            df,
            df[c].isna(),
            shown,
            c,
            "a value (the column may not be empty)",
            show_value=c not in SURVEY_IDENTIFIER_COLUMNS,
        )

    scales_file = _param_path(params, "survey_scales_path")
    if scales_file is None:
        from ..config import project_root

        scales_file = project_root() / DEFAULT_SURVEY_SCALES
    scales = load_scales(scales_file)

    unknown_scale = df["scale"].notna() & ~df["scale"].isin(list(scales))
    problems += row_problems(
        df,
        unknown_scale,
        shown,
        "scale",
        f"an answer scale defined in {display_path(scales_file)} (one of: {', '.join(scales)})",
    )

    labels: list[Any] = []
    positions: list[float] = []
    positives: list[Any] = []
    bad_answer = pd.Series(False, index=df.index)
    for i, (ans, sc) in enumerate(zip(df["answer"], df["scale"])):
        scale = scales.get(str(sc)) if pd.notna(sc) else None
        r = scale.parse(ans) if (scale is not None and pd.notna(ans)) else None
        if scale is not None and pd.notna(ans) and r is None:
            bad_answer.iloc[i] = True
        labels.append(r.label if r else pd.NA)
        positions.append(r.position if r else float("nan"))
        positives.append(r.positive if r else pd.NA)
    for i in df.index[bad_answer]:
        problems.append(
            Problem(
                file=shown,
                place=_place(df, i),
                column="answer",
                value=str(df.at[i, "answer"]),
                expected=scales[str(df.at[i, "scale"])].expected(),
            )
        )

    # one question maps to one scale, standard and theme
    for col in ("scale", "standard", "theme"):
        first = df.groupby("question_id", dropna=True)[col].agg(lambda s: s.iloc[0])
        ref = df["question_id"].map(first)
        differs = df["question_id"].notna() & ~((df[col] == ref).fillna(False) | (df[col].isna() & ref.isna()))
        for i in df.index[differs][:50]:
            problems.append(
                Problem(
                    file=shown,
                    place=_place(df, i),
                    column=col,
                    value=None if pd.isna(df.at[i, col]) else str(df.at[i, col]),
                    message="" if pd.notna(df.at[i, col]) else "is empty",
                    expected=f"the {col} given for question '{df.at[i, 'question_id']}' on its first row "
                    f"({'empty' if pd.isna(ref.loc[i]) else repr(str(ref.loc[i]))})",
                )
            )

    problems += duplicate_problems(df, ["respondent", "question_id"], shown, hide=("respondent",))

    register_file = _param_path(params, "register_path")
    if register_file is not None and register_file.is_file():
        try:
            agencies = set(read_agency_register(register_file, params)["agency"].astype(str))
        except InputError:
            agencies = None  # the register's own contract reports its problems
        if agencies is not None:
            problems += row_problems(
                df,
                df["agency"].notna() & ~df["agency"].isin(sorted(agencies)),
                shown,
                "agency",
                f"an agency named in the agency register {display_path(register_file)}",
            )
    framework_file = _param_path(params, "framework_path")
    if framework_file is not None and framework_file.is_file():
        try:
            standards = set(load_framework(framework_file).standard_ids)
        except InputError:
            standards = None
        if standards is not None:
            problems += row_problems(
                df,
                df["standard"].notna() & ~df["standard"].isin(sorted(standards)),
                shown,
                "standard",
                f"a standard id of the framework {display_path(framework_file)} "
                f"(one of: {', '.join(sorted(standards))})",
            )
    if problems:
        raise InputError(problems)
    df["answer_label"] = pd.array(labels, dtype="string")
    df["position"] = pd.array(positions, dtype="Float64")
    df["positive"] = pd.array(positives, dtype="boolean")
    return df.reset_index(drop=True)


def _place(df: pd.DataFrame, i: Any) -> str:
    parts = []
    if SHEET_COLUMN in df.columns and pd.notna(df.at[i, SHEET_COLUMN]):
        parts.append(f"sheet '{df.at[i, SHEET_COLUMN]}'")
    parts.append(f"row {int(df.at[i, ROW_COLUMN])}")
    return ", ".join(parts)


def summarise_practitioner_survey(
    df: pd.DataFrame, *, by: Sequence[str] = ("theme", "standard"), min_respondents: int = 5
) -> pd.DataFrame:
    """Agreement by theme and standard (or any grouping), with respondent counts.

    Answers given on different scales are never pooled: ``scale`` is always part of the
    grouping.

    Parameters
    ----------
    df : DataFrame
        As returned by :func:`read_practitioner_survey`.
    by : sequence of str
        Grouping columns (default theme and standard; e.g. ``("agency", "standard")``).
        Empty values (a theme-only question has no standard) form their own group.
    min_respondents : int
        Groups with fewer distinct respondents show counts of respondents and answers only:
        ``positive_answers``, ``agreement`` and ``mean_position`` are left empty and ``shown`` is
        false, so that no one person's answers can be read off a small group.

    Returns
    -------
    DataFrame
        ``*by, scale, respondents, answers, positive_answers, agreement, mean_position, shown``,
        where ``agreement`` = positive answers / answers (0 to 1) and ``mean_position`` is the
        mean answer position (0 worst to 1 best on that scale). No respondent reference.

    Examples
    --------
    >>> d = pd.DataFrame({"respondent": ["a", "a", "b"], "theme": ["T", "T", "T"], "standard": ["S1", "S2", "S1"],
    ...                   "scale": ["agree5"] * 3, "positive": [True, False, False], "position": [1.0, 0.25, 0.5]})
    >>> summarise_practitioner_survey(d, by=("theme",), min_respondents=1)[["respondents", "answers", "positive_answers", "agreement"]].to_dict("records")
    [{'respondents': 2, 'answers': 3, 'positive_answers': 1, 'agreement': 0.3333333333333333}]
    """
    keys = [*by, "scale"]
    missing = [c for c in (*keys, "respondent", "positive", "position") if c not in df.columns]
    if missing:
        raise ValueError(f"summarise_practitioner_survey: the frame lacks column(s) {', '.join(missing)}")
    d = df[[*keys, "respondent", "positive", "position"]].copy()
    d["positive"] = d["positive"].astype("boolean").fillna(False).astype(int)
    d["position"] = pd.to_numeric(d["position"], errors="coerce")
    g = d.groupby(keys, dropna=False, sort=True)
    out = g.agg(
        respondents=("respondent", "nunique"),
        answers=("respondent", "size"),
        positive_answers=("positive", "sum"),
        mean_position=("position", "mean"),
    ).reset_index()
    out["agreement"] = out["positive_answers"] / out["answers"]
    out["shown"] = out["respondents"] >= min_respondents
    for c in ("positive_answers", "agreement", "mean_position"):
        out[c] = out[c].astype("Float64").where(out["shown"], pd.NA)
    out["positive_answers"] = out["positive_answers"].astype("Int64")
    out["respondents"] = out["respondents"].astype("int64")
    out["answers"] = out["answers"].astype("int64")
    return out[[*keys, "respondents", "answers", "positive_answers", "agreement", "mean_position", "shown"]]
