"""The core dataset's inputs: journey events (with the optional columns), population, catalogue,
agency returns and bank holidays; each registered with the reader layer under notebook 04.

Agency returns (CSV, or the agency's Excel sheet: the first sheet), one row per agency, quarter
and measure:

=========== =====================================================================================
agency      the agency returning the figure, as the catalogue names it (e.g. ``Police``)
quarter     the financial-year quarter, e.g. ``2026-27 Q2``
measure     the measure id, as the catalogue's ``calculation`` (e.g. ``missing_episodes``)
value       a whole number, 0 or more
narrative   the agency's commentary (free text: published only through the redaction guard)
=========== =====================================================================================
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from .. import reference as ref
from ..config import Period, resolve_path
from ..dates import parse_dates
from ..disproportionality import inputs as dp_inputs
from ..errors import InputError, Problem
from ..readers import (
    ROW_COLUMN,
    InputContract,
    display_path,
    duplicate_problems,
    read_table,
    register,
    register_parameter_check,
    require_columns,
    row_problems,
)
from .catalogue import Catalogue, load_catalogue
from .settings import NOTEBOOK, Settings, check_parameters
from .workdays import Holidays, holidays_from, read_bank_holidays

__all__ = [
    "EVENT_COLUMNS",
    "ENDING_EVENTS",
    "OPTIONAL_EVENT_COLUMNS",
    "RETURN_COLUMNS",
    "read_events",
    "read_agency_returns",
    "read_catalogue_input",
    "Inputs",
    "load",
]

OPTIONAL_EVENT_COLUMNS = ("referral_source", "locality")
"""Optional columns of the events extract the core dataset keeps when present."""
RETURN_COLUMNS = ("agency", "quarter", "measure", "value", "narrative")


EVENT_COLUMNS = ("child_id", "event", "event_date")
"""The columns of the journey events the core dataset needs; ``end_date`` and :data:`OPTIONAL_EVENT_COLUMNS` may be absent."""
ENDING_EVENTS = ("assessment", "s47", "cpp_start", "cla_start")
"""Events that may carry an ``end_date``: assessment and section 47 completion, plan and episode end."""


def read_events(path: Path | str, params: Mapping[str, Any] | None = None) -> pd.DataFrame:
    """Read and check the journey events for the core dataset (the columns it uses).

    ``child_id, event, event_date`` are required; ``end_date`` (on assessment and section 47 rows
    their completion, on plan and looked-after rows their end), ``referral_source`` and
    ``locality`` are optional: an indicator that needs an absent column is reported as a gap.
    Notebook 01 reads and checks the demographic columns of the same file.

    Returns
    -------
    DataFrame
        ``_row, child_id, event, event_date, end_date`` (dates as datetime64) and the optional
        columns present.

    Raises
    ------
    InputError
        Every problem, naming the file, row, column and value (never a child id): a missing
        column, an unknown event, a date not in the workbench's date rule, an end date on an event
        that has none or before its start, the same child, event and date twice.
    """
    params = params or {}
    column_map = dict(params.get("column_map") or {})
    in_file = {v: k for k, v in column_map.items()}
    file = display_path(path)
    wanted = [in_file.get(c, c) for c in (*EVENT_COLUMNS, "end_date", *OPTIONAL_EVENT_COLUMNS)]
    df = read_table(path, columns=wanted).rename(columns=column_map)
    problems = require_columns(df, EVENT_COLUMNS, file)
    if problems:
        raise InputError(problems)
    if "end_date" not in df.columns:
        df["end_date"] = pd.Series(pd.NA, index=df.index, dtype="string")
    codes = dict(params.get("code_map") or {}).get("event") or {}
    event = df["event"].map(lambda v: codes.get(v, v), na_action="ignore").astype("string")
    df["event"] = event
    problems += row_problems(
        df, df["child_id"].isna(), file, "child_id", "a pseudonymous child identifier", show_value=False
    )
    problems += row_problems(
        df,
        ~event.isin(list(ref.FLOW_EVENTS)).fillna(False) | event.isna(),
        file,
        "event",
        "one of: " + ", ".join(ref.FLOW_EVENTS),
    )
    rows = df[ROW_COLUMN]
    start = parse_dates(df["event_date"], file=file, column="event_date", rows=rows, required=True, problems=problems)
    end = parse_dates(df["end_date"], file=file, column="end_date", rows=rows, problems=problems)
    problems += row_problems(
        df,
        end.notna() & ~event.isin(list(ENDING_EVENTS)).fillna(False),
        file,
        "end_date",
        "blank: only " + ", ".join(ENDING_EVENTS) + " rows have an end date",
    )
    problems += row_problems(
        df, end.notna() & start.notna() & (end < start), file, "end_date", "a date on or after the event_date"
    )
    out = pd.DataFrame(
        {
            ROW_COLUMN: rows,
            "child_id": df["child_id"].astype("string"),
            "event": event,
            "event_date": start,
            "end_date": end,
        }
    )
    problems += duplicate_problems(out, ["child_id", "event", "event_date"], file, hide=["child_id"])
    if problems:
        raise InputError(problems)
    for c in OPTIONAL_EVENT_COLUMNS:
        if c in df.columns:
            out[c] = df[c].astype("string")
    return out.reset_index(drop=True)


def _catalogue_path(params: Mapping[str, Any] | None) -> Path | None:
    v = (params or {}).get("catalogue_path")
    return resolve_path(str(v)) if v else None


def read_catalogue_input(path: Path | str, params: Mapping[str, Any] | None = None) -> pd.DataFrame:
    """The catalogue as a frame (one row per indicator), for ``assurance validate``."""
    cat = load_catalogue(path)
    return pd.DataFrame({"indicator": [i.id for i in cat.indicators], "source": [i.source for i in cat.indicators]})


def read_agency_returns(path: Path | str, params: Mapping[str, Any] | None = None) -> pd.DataFrame:
    """Read and check the agency returns (CSV or Excel, first sheet).

    ``params["catalogue_path"]`` names the catalogue: each measure must be one of its agency-return
    measures, returned by the agency it names.

    Returns
    -------
    DataFrame
        ``agency, quarter, measure, value`` (Int64), ``narrative``, ``_row``.

    Raises
    ------
    InputError
        Every problem, naming the file, row, column, value and what was expected: a missing
        column, an empty agency, a quarter not like ``2026-27 Q2``, an unknown measure or one
        returned by another agency, a value that is not a whole number 0 or more, the same
        quarter and measure twice.
    """
    p = Path(path)
    shown = display_path(p)
    df = read_table(p)
    problems = require_columns(df, RETURN_COLUMNS, shown)
    if problems:
        raise InputError(problems)
    problems += row_problems(df, df["agency"].isna(), shown, "agency", "the agency returning the figure")

    def _quarter_ok(q: Any) -> bool:
        try:
            Period.parse(str(q))
        except ValueError:
            return False
        return bool(re.fullmatch(r"\d{4}-\d{2} Q[1-4]", str(q)))

    problems += row_problems(
        df,
        ~df["quarter"].map(_quarter_ok, na_action="ignore").fillna(False).astype(bool),
        shown,
        "quarter",
        "a financial-year quarter written like 2026-27 Q2",
    )
    cat_path = _catalogue_path(params)
    if cat_path is not None:
        try:
            cat: Catalogue | None = load_catalogue(cat_path)
        except InputError:
            cat = None
        if cat is not None:
            agency_of = {i.calculation: i.agency for i in cat.indicators if i.source == "agency return"}
            problems += row_problems(
                df,
                ~df["measure"].isin(list(agency_of)),
                shown,
                "measure",
                "one of the catalogue's agency-return measures: " + ", ".join(agency_of),
            )
            expected_agency = df["measure"].map(agency_of)
            wrong = df["measure"].isin(list(agency_of)) & df["agency"].notna() & df["agency"].ne(expected_agency)
            for i in df.index[wrong.fillna(False).to_numpy(dtype=bool)][:50]:
                problems.append(
                    Problem(
                        file=shown,
                        place=f"row {int(df.at[i, ROW_COLUMN])}",
                        column="agency",
                        value=df.at[i, "agency"],
                        expected=f"{expected_agency[i]} (the catalogue's agency for {df.at[i, 'measure']})",
                    )
                )
    else:
        problems += row_problems(
            df, ~df["measure"].str.fullmatch(r"[a-z][a-z0-9_]*").fillna(False), shown, "measure", "a measure id"
        )
    problems += row_problems(
        df, ~df["value"].str.fullmatch(r"\d+").fillna(False), shown, "value", "a whole number, 0 or more"
    )
    problems += duplicate_problems(df, ["quarter", "measure"], shown)
    if problems:
        raise InputError(problems)
    out = df[[ROW_COLUMN, *RETURN_COLUMNS]].copy()
    out["value"] = pd.to_numeric(out["value"]).astype("Int64")
    for c in ("agency", "quarter", "measure", "narrative"):
        out[c] = out[c].astype("string")
    return out.reset_index(drop=True)


def _read_holidays(path: Path | str, params: Mapping[str, Any] | None = None) -> pd.DataFrame:
    return read_bank_holidays(path)


@dataclass(frozen=True, slots=True)
class Inputs:
    """The checked inputs of the core dataset (identifiers stay inside the library)."""

    events: pd.DataFrame
    population: float
    population_source: str
    catalogue: Catalogue
    returns: pd.DataFrame | None
    holidays: Holidays
    holidays_frame: pd.DataFrame


def load(settings: Settings) -> Inputs:
    """Read and check every input the settings name (agency returns only when given)."""
    params = {"catalogue_path": settings.catalogue_path}
    pop = dp_inputs.read_population(resolve_path(settings.population_path))
    src = pop["source"].dropna().astype(str)
    vint = pop["vintage"].dropna().astype(str)
    hol = read_bank_holidays(resolve_path(settings.bank_holidays_path))
    return Inputs(
        events=read_events(resolve_path(settings.events_path), {}),
        population=float(pop["population"].sum()),
        population_source=(src.iloc[0] if len(src) else "population file")
        + (f" (vintage {vint.iloc[0]})" if len(vint) else ""),
        catalogue=load_catalogue(resolve_path(settings.catalogue_path)),
        returns=read_agency_returns(resolve_path(settings.agency_returns_path), params)
        if settings.agency_returns_path
        else None,
        holidays=holidays_from(hol),
        holidays_frame=hol,
    )


register(
    InputContract(
        name="core_events",
        notebook=NOTEBOOK,
        parameter="events_path",
        read=read_events,
        description="journey events, one row per child per event (optional end_date on assessments and "
        "section 47s, referral_source, locality)",
        identifier_columns=("child_id",),
    )
)
register(
    InputContract(
        name="core_population",
        notebook=NOTEBOOK,
        parameter="population_path",
        read=dp_inputs.read_population,
        description="children aged 0-17 by ethnicity, sex and age band, with source and vintage",
    )
)
register(
    InputContract(
        name="core_catalogue",
        notebook=NOTEBOOK,
        parameter="catalogue_path",
        read=read_catalogue_input,
        description="the core indicator catalogue (YAML)",
    )
)
register(
    InputContract(
        name="core_agency_returns",
        notebook=NOTEBOOK,
        parameter="agency_returns_path",
        read=read_agency_returns,
        optional=True,
        description="agencies' quarterly returns: agency, quarter, measure, value, narrative",
    )
)
register(
    InputContract(
        name="core_bank_holidays",
        notebook=NOTEBOOK,
        parameter="bank_holidays_path",
        read=_read_holidays,
        description="bank holidays of England and Wales (date, title), for working days",
    )
)
register_parameter_check(NOTEBOOK, check_parameters)
