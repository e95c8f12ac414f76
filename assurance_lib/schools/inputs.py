"""Schools inputs: the register of schools and colleges, the audit returns and the dip-sample history.

Schools register (CSV or XLSX), one row per school or college:

=============== ===============================================================================
urn             the school's unique reference number (Get Information about Schools), unique
name            the school's name
phase           Primary, Secondary, All-through, Special or 16 plus
type            maintained, academy, independent or FE (further education)
trust           the academy trust, empty when not in a trust
expected_return ``yes`` or ``no``
deadline        the audit deadline, ``YYYY-MM-DD`` (required when a return is expected)
date_received   when the audit came in, ``YYYY-MM-DD``; empty = not received
=============== ===============================================================================

Returns: as the Section 11 returns (:mod:`assurance_lib.section11.inputs`), with ``urn`` in
place of ``agency``, read and checked by the same reader (the one rating engine). Dip-sample
history: ``year, urn, seed``, one row per provider sampled.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pandas as pd

from ..errors import InputError, Problem
from ..readers import ROW_COLUMN, display_path, duplicate_problems, read_table, require_columns, row_problems
from ..section11.inputs import read_returns

__all__ = [
    "REGISTER_COLUMNS",
    "PHASES",
    "TYPES",
    "HISTORY_COLUMNS",
    "read_schools_register",
    "read_schools_returns",
    "read_dip_history",
    "engine_register",
]

REGISTER_COLUMNS = ("urn", "name", "phase", "type", "trust", "expected_return", "deadline", "date_received")
PHASES = ("Primary", "Secondary", "All-through", "Special", "16 plus")
TYPES = ("maintained", "academy", "independent", "FE")
HISTORY_COLUMNS = ("year", "urn", "seed")
_YESNO = {"yes": True, "no": False}


def _param(params: Mapping[str, Any] | None, key: str) -> Path | None:
    v = (params or {}).get(key)
    if not v:
        return None
    from ..config import resolve_path

    return resolve_path(str(v))


def read_schools_register(path: Path | str, params: Mapping[str, Any] | None = None) -> pd.DataFrame:
    """Read and check the schools register.

    Returns
    -------
    DataFrame
        ``urn, school`` (the ``name`` column: a table column called ``name`` is never published),
        ``phase, type, trust, expected_return`` (bool), ``deadline, date_received`` (datetime).

    Raises
    ------
    InputError
        Missing columns, a URN not of 6 digits or repeated, an unknown phase or type, yes/no
        values, dates not ``YYYY-MM-DD``, a missing deadline for an expected return.
    """
    p = Path(path)
    shown = display_path(p)
    df = read_table(p)
    problems = require_columns(df, REGISTER_COLUMNS, shown)
    if problems:
        raise InputError(problems)
    problems += row_problems(df, ~df["urn"].str.fullmatch(r"\d{6}").fillna(False), shown, "urn", "a URN of 6 digits")
    problems += row_problems(df, df["name"].isna(), shown, "name", "the school's name")
    problems += row_problems(df, ~df["phase"].isin(PHASES), shown, "phase", f"one of: {', '.join(PHASES)}")
    problems += row_problems(df, ~df["type"].isin(TYPES), shown, "type", f"one of: {', '.join(TYPES)}")
    exp = df["expected_return"].str.lower()
    problems += row_problems(df, ~exp.isin(list(_YESNO)), shown, "expected_return", "yes or no")
    for c in ("deadline", "date_received"):
        bad = df[c].notna() & pd.to_datetime(df[c], format="%Y-%m-%d", errors="coerce").isna()
        problems += row_problems(df, bad, shown, c, "a date written YYYY-MM-DD")
    problems += row_problems(
        df,
        exp.eq("yes") & df["deadline"].isna(),
        shown,
        "deadline",
        "a deadline (YYYY-MM-DD) for a school expected to return",
    )
    problems += duplicate_problems(df, ["urn"], shown)
    if problems:
        raise InputError(problems)
    out = df[[ROW_COLUMN, *REGISTER_COLUMNS]].rename(columns={"name": "school"})
    out["expected_return"] = exp.map(_YESNO).astype(bool)
    for c in ("deadline", "date_received"):
        out[c] = pd.to_datetime(out[c], format="%Y-%m-%d", errors="coerce")
    return out.reset_index(drop=True)


def engine_register(schools: pd.DataFrame) -> pd.DataFrame:
    """The schools register in the rating engine's shape: ``agency`` (the URN), ``sector`` (the type), no statutory partners."""
    out = schools.copy()
    out["agency"] = out["urn"].astype("string")
    out["sector"] = out["type"].astype("string")
    out["statutory_partner"] = False
    return out


def read_schools_returns(path: Path | str, params: Mapping[str, Any] | None = None) -> pd.DataFrame:
    """Read and check the schools' audit returns with the Section 11 returns reader (``urn`` in place of ``agency``).

    ``params`` names ``schools_framework_path`` and ``schools_register_path``. Returns the
    engine's frame (``agency`` holds the URN). Every problem names the file, row and column.
    """
    reg_path = _param(params, "schools_register_path")
    fw_path = _param(params, "schools_framework_path")
    shown = display_path(Path(path))
    if reg_path is None or fw_path is None:
        raise InputError(
            Problem(
                file=shown, message="cannot be checked: schools_register_path and schools_framework_path are needed"
            )
        )
    try:
        register = engine_register(read_schools_register(reg_path, params))
    except InputError:
        register = None
    if register is None:
        raise InputError(
            Problem(file=shown, message="not checked: the schools register has problems (listed under its own input)")
        )
    return read_returns(
        path,
        {"framework_path": str(fw_path)},
        org_column="urn",
        register=register,
        register_shown=display_path(reg_path),
    )


def read_dip_history(path: Path | str, params: Mapping[str, Any] | None = None) -> pd.DataFrame:
    """Read the dip-sample history (``year, urn, seed``); a missing file is an empty history."""
    p = Path(path)
    if not p.exists():
        return pd.DataFrame({c: pd.Series(dtype="string") for c in HISTORY_COLUMNS})
    shown = display_path(p)
    df = read_table(p)
    problems = require_columns(df, HISTORY_COLUMNS, shown)
    if problems:
        raise InputError(problems)
    problems += row_problems(
        df, ~df["year"].str.fullmatch(r"\d{4}-\d{2}").fillna(False), shown, "year", "a year like '2025-26'"
    )
    problems += row_problems(df, ~df["urn"].str.fullmatch(r"\d{6}").fillna(False), shown, "urn", "a URN of 6 digits")
    problems += duplicate_problems(df, ["year", "urn"], shown)
    if problems:
        raise InputError(problems)
    return df[list(HISTORY_COLUMNS)].astype("string").reset_index(drop=True)
