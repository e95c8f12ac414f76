"""Input contracts of notebook 01: journey events, child population, aggregate counts.

Each reader takes the notebook's resolved parameters (``column_map``, ``code_map``) so that a
real extract (a CIN census return, a case-management export) is read without editing it, checks
every row and raises one :class:`~assurance_lib.errors.InputError` listing **every** problem
(file, row, column, value, expectation). Child identifiers and dates of birth are never shown
in a message: the row and column are named instead.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Mapping

import numpy as np
import pandas as pd

from .. import reference as ref
from ..errors import InputError, Problem
from ..readers import (ROW_COLUMN, InputContract, display_path, duplicate_problems, read_table, register,
                       require_columns, row_problems)

__all__ = ["read_events", "read_population", "read_aggregate", "EVENT_COLUMNS", "PREBIRTH_DAYS",
           "apply_mapping", "EVENTS_CONTRACT", "POPULATION_CONTRACT", "AGGREGATE_CONTRACT"]

PREBIRTH_DAYS = 280
"""An event up to 40 weeks before birth is a pre-birth event (counted as "unborn")."""

EVENT_COLUMNS = ("child_id", "event", "event_date", "end_date", "date_of_birth", "age_at_event", "sex",
                 "ethnicity", "disability", "uasc", "imd_decile")

_SEX_CODES = {"m": "male", "male": "male", "1": "male", "boy": "male",
              "f": "female", "female": "female", "2": "female", "girl": "female",
              "u": "unknown", "unknown": "unknown", "0": "unknown", "9": "unknown", "not known": "unknown",
              "not stated": "unknown", "indeterminate": "unknown", "other": "unknown"}
_YES_NO = {"y": "yes", "yes": "yes", "true": "yes", "1": "yes", "n": "no", "no": "no", "false": "no", "0": "no"}
_DISABILITY = {**_YES_NO, "u": "unknown", "unknown": "unknown", "not known": "unknown", "not recorded": "unknown"}
_EVENT_CODES = {e: e for e in ref.FLOW_EVENTS} | {"s47_enquiry": "s47", "section47": "s47", "section_47": "s47",
                                                  "cpp": "cpp_start", "cla": "cla_start", "icpc_held": "icpc"}


def apply_mapping(df: pd.DataFrame, params: Mapping[str, Any], file: str) -> pd.DataFrame:
    """Rename columns (``column_map``: extract name -> contract name) and recode values
    (``code_map``: contract column -> {extract value: contract value}).

    Raises
    ------
    InputError
        When ``column_map`` names a column the file does not have.
    """
    cmap = dict(params.get("column_map") or {})
    missing = [k for k in cmap if k not in df.columns]
    if missing:
        raise InputError([Problem(file=file, column=k, message="is named in the parameter column_map but not in the file",
                                  expected=f"one of the file's columns ({', '.join(c for c in df.columns if not c.startswith('_'))})")
                          for k in missing])
    df = df.rename(columns=cmap)
    for col, mapping in dict(params.get("code_map") or {}).items():
        if col in df.columns and mapping:
            m = {str(k): str(v) for k, v in dict(mapping).items()}
            s = df[col].astype("string")
            df[col] = s.map(lambda v: m.get(v, v) if v is not pd.NA else v).astype("string")
    return df


def _recode(s: pd.Series, table: Mapping[str, str]) -> pd.Series:
    low = s.astype("string").str.strip().str.lower()
    return low.map(lambda v: table.get(v, pd.NA) if v is not pd.NA else pd.NA).astype("string")


def _dates(s: pd.Series) -> pd.Series:
    s = s.astype("string").str.strip()
    out = pd.to_datetime(s, format="%Y-%m-%d", errors="coerce")
    bad = out.isna() & s.notna()
    if bad.any():  # accept dd/mm/yyyy as written by Excel exports
        out = out.where(~bad, pd.to_datetime(s.where(bad), format="%d/%m/%Y", errors="coerce"))
    return out


def read_events(path: Path | str, params: Mapping[str, Any] | None = None) -> pd.DataFrame:
    """Read and check the journey events (one row per child per event).

    Parameters
    ----------
    path : path-like
        CSV, Excel or parquet.
    params : mapping
        The notebook's parameters; ``column_map`` and ``code_map`` are applied first.

    Returns
    -------
    DataFrame
        ``_row, child_id, event, event_date, end_date, date_of_birth, age_at_event, sex,
        ethnicity, disability, uasc, imd_decile`` typed (dates as datetime64, ``age_at_event``
        float, ``imd_decile`` Int64, codes as string). Identifiers stay inside the library.

    Raises
    ------
    InputError
        Listing every problem: missing columns, unknown codes, unreadable dates, an end before
        its start, an event more than 40 weeks before birth, a child aged 18 or over at the
        event, duplicate rows. The child id and date of birth are never shown.
    """
    params = params or {}
    file = display_path(path)
    raw = read_table(path)
    df = apply_mapping(raw, params, file)
    problems: list[Problem] = []
    problems += require_columns(df, ["child_id", "event", "event_date", "sex", "ethnicity", "disability", "uasc"], file)
    if "date_of_birth" not in df.columns and "age_at_event" not in df.columns:
        problems.append(Problem(file=file, column="date_of_birth", message="is missing",
                                expected="a date_of_birth or an age_at_event column"))
    if problems:
        raise InputError(problems)
    for c in ("end_date", "date_of_birth", "age_at_event", "imd_decile"):
        if c not in df.columns:
            df[c] = pd.Series(pd.NA, index=df.index, dtype="string")
    out = pd.DataFrame({ROW_COLUMN: df[ROW_COLUMN].to_numpy()}, index=df.index)
    out["child_id"] = df["child_id"].astype("string")
    problems += row_problems(df, out["child_id"].isna(), file, "child_id", "a pseudonymous child identifier",
                             show_value=False)
    out["event"] = _recode(df["event"], _EVENT_CODES)
    problems += row_problems(df, out["event"].isna(), file, "event", f"one of: {', '.join(ref.FLOW_EVENTS)}")
    out["event_date"] = _dates(df["event_date"])
    problems += row_problems(df, out["event_date"].isna(), file, "event_date", "a date written YYYY-MM-DD")
    out["end_date"] = _dates(df["end_date"])
    problems += row_problems(df, out["end_date"].isna() & df["end_date"].notna(), file, "end_date",
                             "a date written YYYY-MM-DD, or blank while the plan or episode is open")
    has_end = out["end_date"].notna()
    problems += row_problems(df, has_end & out["event_date"].notna() & (out["end_date"] < out["event_date"]), file,
                             "end_date", "an end on or after the event_date", message="ends before it starts")
    problems += row_problems(df, has_end & out["event"].notna() & ~out["event"].isin(ref.EVENTS_WITH_END), file,
                             "end_date", "blank: only cpp_start and cla_start rows have an end_date",
                             message="is given for an event that has no end")
    out["date_of_birth"] = _dates(df["date_of_birth"])
    out["age_at_event"] = pd.to_numeric(df["age_at_event"], errors="coerce")
    bad_dob = out["date_of_birth"].isna() & df["date_of_birth"].notna()
    problems += row_problems(df, bad_dob, file, "date_of_birth", "a date written YYYY-MM-DD", show_value=False,
                             message="is not a date")
    bad_age = out["age_at_event"].isna() & df["age_at_event"].notna()
    problems += row_problems(df, bad_age, file, "age_at_event", "a number of years from 0 to 17")
    neither = out["date_of_birth"].isna() & out["age_at_event"].isna() & ~bad_dob & ~bad_age
    problems += row_problems(df, neither, file, "date_of_birth", "a date of birth or an age_at_event",
                             show_value=False, message="is empty")
    both = out["event_date"].notna() & out["date_of_birth"].notna()
    days = (out["event_date"] - out["date_of_birth"]).dt.days
    problems += row_problems(df, both & (days < -PREBIRTH_DAYS), file, "event_date",
                             "no more than 40 weeks (280 days) before the date of birth",
                             message="is more than 40 weeks before the child's date of birth")
    age_years = ref.age_in_years(out["date_of_birth"], out["event_date"])
    over = (both & (age_years >= 18)).fillna(False) | (out["age_at_event"] >= 18).fillna(False)
    problems += row_problems(df, over.fillna(False), file, "event_date" if "date_of_birth" in raw.columns or "date_of_birth" in df.columns else "age_at_event",
                             "a child under 18 at the event", message="the child was 18 or over at this event")
    problems += row_problems(df, (out["age_at_event"] < 0).fillna(False), file, "age_at_event",
                             "a number of years from 0 to 17 (use date_of_birth for pre-birth events)")
    out["sex"] = _recode(df["sex"], _SEX_CODES)
    problems += row_problems(df, out["sex"].isna(), file, "sex", "one of: female, male, unknown")
    eth = df["ethnicity"].astype("string").str.strip().str.upper()
    out["ethnicity"] = eth.where(eth.isin(ref.ETHNICITY_CODES))
    problems += row_problems(df, out["ethnicity"].isna(), file, "ethnicity",
                             f"a DfE ethnicity code, one of: {' '.join(ref.ETHNICITY_CODES)} (map local codes with code_map)")
    out["disability"] = _recode(df["disability"], _DISABILITY)
    problems += row_problems(df, out["disability"].isna(), file, "disability", "one of: yes, no, unknown")
    out["uasc"] = _recode(df["uasc"], _YES_NO)
    problems += row_problems(df, out["uasc"].isna(), file, "uasc", "one of: yes, no")
    imd = pd.to_numeric(df["imd_decile"], errors="coerce")
    bad_imd = df["imd_decile"].notna() & ~(imd.isin(range(1, 11)))
    problems += row_problems(df, bad_imd, file, "imd_decile", "a whole number from 1 (most deprived) to 10, or blank")
    out["imd_decile"] = imd.where(~bad_imd).astype("Int64")
    dup_frame = out[[ROW_COLUMN, "child_id", "event", "event_date"]]
    problems += duplicate_problems(dup_frame, ["child_id", "event", "event_date"], file, hide=["child_id"])
    if problems:
        raise InputError(problems)
    out["event"] = out["event"].astype("string")
    return out.reset_index(drop=True)


def read_population(path: Path | str, params: Mapping[str, Any] | None = None) -> pd.DataFrame:
    """Read and check the child population (0-17) by ethnicity, sex and age band.

    ``ethnicity`` may hold DfE codes, Census 2021 TS021 names or codes (mapped to DfE codes by
    ``data/reference/ethnicity_crosswalk.csv``; Arab and Any other ethnic group add up into
    OOTH). ``source`` and ``vintage`` columns say where the figures come from.

    Returns
    -------
    DataFrame
        ``ethnicity`` (DfE code), ``sex``, ``age_band``, ``population``, ``source``, ``vintage``,
        summed over crosswalk merges.

    Raises
    ------
    InputError
        Listing every problem (unknown category, negative or non-whole population, duplicates).
    """
    params = params or {}
    file = display_path(path)
    df = apply_mapping(read_table(path), {"column_map": params.get("population_column_map") or {}}, file)
    problems = require_columns(df, ["ethnicity", "sex", "age_band", "population", "source", "vintage"], file)
    if problems:
        raise InputError(problems)
    cw = ref.load_crosswalk()
    lookup = {**{c: c for c in ref.ETHNICITY_CODES}, **dict(zip(cw["census2021_name"], cw["dfe_code"])),
              **dict(zip(cw["census2021_code"], cw["dfe_code"]))}
    eth = df["ethnicity"].astype("string").str.strip()
    code = eth.map(lambda v: lookup.get(v, lookup.get(str(v).upper(), pd.NA)) if v is not pd.NA else pd.NA).astype("string")
    problems += row_problems(df, code.isna(), file, "ethnicity",
                             "a DfE ethnicity code or a Census 2021 ethnic group (see data/reference/ethnicity_crosswalk.csv)")
    problems += row_problems(df, code.isin(ref.NO_POPULATION_CODES), file, "ethnicity",
                             "an ethnic group with a population (refused and not obtained have none)")
    sex = _recode(df["sex"], _SEX_CODES)
    problems += row_problems(df, ~sex.isin(["female", "male"]).fillna(False), file, "sex", "one of: female, male")
    band = df["age_band"].astype("string").str.strip().str.lower()
    problems += row_problems(df, ~band.isin(ref.AGE_BANDS[1:]).fillna(False), file, "age_band",
                             f"one of: {', '.join(ref.AGE_BANDS[1:])}")
    pop = pd.to_numeric(df["population"].astype("string").str.replace(",", "", regex=False), errors="coerce")
    problems += row_problems(df, ~((pop >= 0) & (pop == np.floor(pop))).fillna(False), file, "population",
                             "a whole number of children, 0 or more")
    raw = pd.DataFrame({ROW_COLUMN: df[ROW_COLUMN], "ethnicity": eth, "sex": sex, "age_band": band})
    problems += duplicate_problems(raw, ["ethnicity", "sex", "age_band"], file)
    if problems:
        raise InputError(problems)
    out = pd.DataFrame({"ethnicity": code, "sex": sex, "age_band": band, "population": pop.astype("int64"),
                        "source": df["source"].astype("string"), "vintage": df["vintage"].astype("string")})
    agg = out.groupby(["ethnicity", "sex", "age_band"], as_index=False).agg(
        population=("population", "sum"), source=("source", "first"), vintage=("vintage", "first"))
    return agg


def read_aggregate(path: Path | str, params: Mapping[str, Any] | None = None) -> pd.DataFrame:
    """Read aggregate counts of children by stage and group (for partnerships without an extract).

    Columns: ``stage`` (a stage code), ``group_type`` (one of
    :data:`~.groups.AGGREGATE_GROUP_TYPES`: ``all``, ``ethnicity_major``, ``ethnicity_minor``,
    ``sex``, ``age_band``, ``disability``, ``imd_decile`` and the ethnicity-by-sex and
    ethnicity-by-age-band intersections), ``group`` (a value of that type, e.g. ``MWBC``,
    ``female``, ``Black x 10 to 15``), ``count`` (children), and optionally ``feeder_count``
    and ``converted`` (children at the stage's feeder stage, and how many of them reached the
    stage). Groups may be left out (they stay absent, never zero); where every part of a total is
    given, the parts must add up to it.

    Raises
    ------
    InputError
        Listing every problem: unknown stage, group type or group; a count that is not a whole
        number; ``converted`` above ``feeder_count`` or given without it; conversions on a stage
        without a feeder; duplicate rows; complete parts that do not add up to their total.
    """
    from .groups import AGGREGATE_GROUP_TYPES, aggregate_group_values, group_relations

    file = display_path(path)
    df = read_table(path)
    problems = require_columns(df, ["stage", "group_type", "group", "count"], file)
    if problems:
        raise InputError(problems)
    st = df["stage"].astype("string").str.strip().str.lower()
    problems += row_problems(df, ~st.isin(ref.STAGE_CODES).fillna(False), file, "stage",
                             f"one of: {', '.join(ref.STAGE_CODES)}")
    gt = df["group_type"].astype("string").str.strip().str.lower()
    problems += row_problems(df, ~gt.isin(AGGREGATE_GROUP_TYPES).fillna(False), file, "group_type",
                             f"one of: {', '.join(AGGREGATE_GROUP_TYPES)}")
    values = aggregate_group_values(has_imd=True)
    canon = {(t, v.casefold()): v for t, vs in values.items() for v in vs}
    raw_group = df["group"].astype("string").str.strip()
    group = pd.Series([canon.get((t, str(g).casefold()), pd.NA) if t is not pd.NA and g is not pd.NA else pd.NA
                       for t, g in zip(gt, raw_group)], index=df.index, dtype="string")
    bad_group = group.isna() & gt.isin(AGGREGATE_GROUP_TYPES).fillna(False)
    for t in pd.unique(gt[bad_group]):
        shown = values[str(t)]
        hint = ", ".join(shown[:12]) + (" ..." if len(shown) > 12 else "")
        problems += row_problems(df, bad_group & gt.eq(t), file, "group", f"a group of type {t}: {hint}")
    out = pd.DataFrame({"stage": st, "group_type": gt, "group": group})
    for c in ("count", "converted", "feeder_count"):
        if c in df.columns:
            v = pd.to_numeric(df[c].astype("string").str.replace(",", "", regex=False), errors="coerce")
            whole = ((v >= 0) & (v == np.floor(v))).fillna(False)
            blank_ok = df[c].isna() & (c != "count")
            problems += row_problems(df, ~whole & ~blank_ok, file, c, "a whole number of children, 0 or more"
                                     + (", or blank" if c != "count" else ""))
            out[c] = v.where(whole).astype("Int64")
    if "converted" in out or "feeder_count" in out:
        if not {"converted", "feeder_count"} <= set(out.columns):
            given = "converted" if "converted" in out else "feeder_count"
            problems.append(Problem(file=file, column=given, message="is given without its partner column",
                                    expected="both feeder_count and converted, or neither"))
        else:
            one = out["converted"].isna() != out["feeder_count"].isna()
            problems += row_problems(df, one, file, "converted", "both feeder_count and converted on a row, or neither",
                                     message="and feeder_count must be given together")
            over = (out["converted"] > out["feeder_count"]).fillna(False)
            problems += row_problems(df, over, file, "converted", "at most feeder_count (children at the feeder stage)",
                                     message="is more than feeder_count")
            has_conv = out["converted"].notna() | out["feeder_count"].notna()
            no_feeder = has_conv & ~st.isin(list(ref.DEFAULT_FEEDERS)).fillna(True)
            problems += row_problems(df, no_feeder, file, "feeder_count",
                                     f"blank: conversions are for the stages with a feeder ({', '.join(ref.DEFAULT_FEEDERS)})",
                                     message="is given for a stage that has no feeder stage")
    keyed = pd.concat([df[[ROW_COLUMN]], out[["stage", "group_type", "group"]]], axis=1)
    problems += duplicate_problems(keyed, ["stage", "group_type", "group"], file)
    if problems:
        raise InputError(problems)
    problems += _aggregate_sums(out, df, file, group_relations(has_imd=True, minor_intersections=True))
    if problems:
        raise InputError(problems)
    return out.reset_index(drop=True)


def _aggregate_sums(agg: pd.DataFrame, raw: pd.DataFrame, file: str, relations: "list[Any]") -> list[Problem]:
    """A problem for every total whose parts are all given but do not add up to it.

    ``agg`` is the typed aggregate and ``raw`` the file as read (same index), for the places.
    """
    problems: list[Problem] = []
    cols = [c for c in ("count", "feeder_count", "converted") if c in agg]
    lookup = agg.reset_index().set_index(["stage", "group_type", "group"])
    for stage in pd.unique(agg["stage"]):
        here = lookup.loc[stage]
        for r in relations:
            if (r.total_type, r.total) not in here.index:
                continue
            keys = [(r.part_type, p) for p in r.parts]
            if not all(k in here.index for k in keys):
                continue
            tot = here.loc[(r.total_type, r.total)]
            parts = here.loc[keys]
            for c in cols:
                if pd.isna(tot[c]) or parts[c].isna().any():
                    continue
                total, s = int(tot[c]), int(parts[c].sum())
                if s != total:
                    problems += row_problems(
                        raw, pd.Series(raw.index == tot["index"], index=raw.index), file, c,
                        "the sum of its parts when every part is given (leave out a part that is not known)",
                        message=(f"is {total:,} for stage {stage}, {r.total_type} '{r.total}', but its {len(keys)} "
                                 f"{r.part_type} rows add up to {s:,}"), show_value=False)
    return problems


EVENTS_CONTRACT = register(InputContract(
    name="journey_events", notebook="01_disproportionality", parameter="events_path", read=read_events,
    description="journey events, one row per child per event (contact to looked after)",
    identifier_columns=("child_id",), optional=True, one_of="journey",
))
POPULATION_CONTRACT = register(InputContract(
    name="child_population", notebook="01_disproportionality", parameter="population_path", read=read_population,
    description="children aged 0-17 by ethnicity, sex and age band, with source and vintage",
))
AGGREGATE_CONTRACT = register(InputContract(
    name="journey_aggregate", notebook="01_disproportionality", parameter="aggregate_path", read=read_aggregate,
    description="children by stage and group (aggregate input, instead of events)", optional=True, one_of="journey",
))
