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
from .cohort import factorize_children

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

    A categorical column (see ``read_table(..., categories=...)``) is recoded once per category
    and stays categorical.

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
            if isinstance(df[col].dtype, pd.CategoricalDtype):
                codes, uniques = _distinct(df[col])
                mapped = pd.Series([m.get(v, v) if v is not pd.NA else v for v in uniques.tolist()], dtype="string")
                inverse, new = pd.factorize(mapped, use_na_sentinel=True)
                lut = np.append(np.asarray(inverse, dtype=np.int64), -1)
                df[col] = pd.Categorical.from_codes(lut[codes], categories=pd.Index(pd.array(new, dtype="str")))
                continue
            s = df[col].astype("string")
            df[col] = s.map(lambda v: m.get(v, v) if v is not pd.NA else v).astype("string")
    return df


def _distinct(s: pd.Series) -> tuple[np.ndarray, pd.Series]:
    """Each row's code into the column's distinct values, and those values as text.

    Missing values get code -1, which reads the last of the distinct values: a missing value
    (present when, and only when, the column has missing values, so that whatever is worked
    out from the distinct values is worked out from exactly the values of the column).
    """
    if isinstance(s.dtype, pd.CategoricalDtype):
        codes = s.cat.codes.to_numpy().astype(np.int64)
        used = np.zeros(len(s.cat.categories) + 1, dtype=bool)
        used[codes] = True       # code -1 marks the last slot: a missing value
        keep = np.flatnonzero(used[:-1])
        uniques = pd.Series(s.cat.categories[keep], dtype="string")
        remap = np.full(len(s.cat.categories) + 1, -1, dtype=np.int64)   # the last: missing stays -1
        remap[keep] = np.arange(len(keep))
        codes = remap[codes]
        has_na = bool(used[-1])
    else:
        codes, uniq = pd.factorize(s, use_na_sentinel=True)
        codes = np.asarray(codes, dtype=np.int64)
        uniques = pd.Series(uniq, dtype="string")
        has_na = bool((codes < 0).any())
    if has_na:
        uniques = pd.concat([uniques, pd.Series([pd.NA], dtype="string")], ignore_index=True)
    return codes, uniques


def _take(values: "pd.Series | np.ndarray", codes: np.ndarray) -> Any:
    """``values`` (one per distinct value, from :func:`_distinct`) spread to the rows by their codes."""
    arr = values.array if isinstance(values, pd.Series) else values
    return arr.take(np.where(codes >= 0, codes, len(arr) - 1))


def _category(codes: np.ndarray, choices: "tuple[str, ...]") -> pd.Categorical:
    return pd.Categorical.from_codes(codes, categories=pd.Index(list(choices), dtype="str"))


def _recode(s: pd.Series, table: Mapping[str, str]) -> pd.Series:
    low = s.astype("string").str.strip().str.lower()
    return low.map(lambda v: table.get(v, pd.NA) if v is not pd.NA else pd.NA).astype("string")


def _code_of(uniques: pd.Series, table: Mapping[str, str], choices: "tuple[str, ...]") -> np.ndarray:
    """The code (index in ``choices``) of each distinct value, -1 for a missing or unknown one."""
    low = uniques.astype("string").str.strip().str.lower()
    pos = {c: i for i, c in enumerate(choices)}
    return np.array([pos[table[v]] if (v is not pd.NA and v in table) else -1 for v in low.tolist()], dtype=np.int64)


def _dates(s: pd.Series) -> pd.Series:
    s = s.astype("string").str.strip()
    out = pd.to_datetime(s, format="%Y-%m-%d", errors="coerce")
    bad = out.isna() & s.notna()
    if bad.any():  # accept dd/mm/yyyy as written by Excel exports
        out = out.where(~bad, pd.to_datetime(s.where(bad), format="%d/%m/%Y", errors="coerce"))
    return out


_CATEGORY_COLUMNS = ("event", "event_date", "end_date", "date_of_birth", "age_at_event", "sex", "ethnicity",
                     "disability", "uasc", "imd_decile")
"""Columns of the events read as categories: few distinct values, each checked once."""


def _calendar_age(dob: pd.Series, when: pd.Series, dob_codes: np.ndarray, when_codes: np.ndarray) -> np.ndarray:
    """Completed years of age (as :func:`~assurance_lib.reference.age_in_years`) of each row from the
    distinct dates' years, months and days; NaN where either date is missing."""
    def parts(d: pd.Series) -> tuple[np.ndarray, np.ndarray]:
        ok = d.notna().to_numpy()
        year = np.where(ok, d.dt.year.to_numpy(dtype="float64", na_value=np.nan), np.nan)
        md = np.where(ok, (d.dt.month * 32 + d.dt.day).to_numpy(dtype="float64", na_value=np.nan), np.nan)
        return year, md
    by, bmd = parts(dob)
    wy, wmd = parts(when)
    y1, y0 = np.append(wy, np.nan)[when_codes], np.append(by, np.nan)[dob_codes]
    m1, m0 = np.append(wmd, np.nan)[when_codes], np.append(bmd, np.nan)[dob_codes]
    return y1 - y0 - (m1 < m0)


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
        ethnicity, disability, uasc, imd_decile`` typed: dates as datetime64, ``age_at_event``
        numeric, ``imd_decile`` Int64, ``child_id`` as text, and the codes ``event``, ``sex``,
        ``ethnicity``, ``disability`` and ``uasc`` as categoricals whose categories are the
        contract's codes (``reference.FLOW_EVENTS``, ``SEXES``, ``ETHNICITY_CODES``,
        ``DISABILITY``, ``UASC``). Identifiers stay inside the library.

    Raises
    ------
    InputError
        Listing every problem: missing columns, unknown codes, unreadable dates, an end before
        its start, an event more than 40 weeks before birth, a child aged 18 or over at the
        event, duplicate rows. The child id and date of birth are never shown.

    Notes
    -----
    The coded and date columns are read as categories and each distinct value is checked and
    converted once (a national extract has millions of rows but a few thousand distinct dates),
    then spread to the rows by its code.
    """
    params = params or {}
    file = display_path(path)
    cmap = dict(params.get("column_map") or {})
    in_file = {v: k for k, v in cmap.items()}
    raw = read_table(path, categories=[in_file.get(c, c) for c in _CATEGORY_COLUMNS])
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

    def flag(mask: np.ndarray | pd.Series, column: str, expected: str, **kw: Any) -> None:
        m = np.asarray(mask, dtype=bool)
        if m.any():
            problems.extend(row_problems(df, pd.Series(m, index=df.index), file, column, expected, **kw))

    out = pd.DataFrame({ROW_COLUMN: df[ROW_COLUMN].to_numpy()}, index=df.index)
    out["child_id"] = df["child_id"].astype("string")
    flag(out["child_id"].isna(), "child_id", "a pseudonymous child identifier", show_value=False)
    ev_codes, ev_uniq = _distinct(df["event"])
    event = _take(_code_of(ev_uniq, _EVENT_CODES, ref.FLOW_EVENTS), ev_codes)
    flag(event < 0, "event", f"one of: {', '.join(ref.FLOW_EVENTS)}")
    dates = {}
    for c in ("event_date", "end_date", "date_of_birth"):
        codes, uniq = _distinct(df[c])
        parsed = _dates(uniq)
        dates[c] = (codes, parsed, (parsed.isna() & uniq.notna()).to_numpy())
        out[c] = _take(parsed, codes)
    ed_codes, ed_parsed, _ = dates["event_date"]
    ed_missing = _take(ed_parsed.isna().to_numpy(), ed_codes)
    flag(ed_missing, "event_date", "a date written YYYY-MM-DD")
    end_codes, end_parsed, end_bad = dates["end_date"]
    flag(_take(end_bad, end_codes), "end_date", "a date written YYYY-MM-DD, or blank while the plan or episode is open")
    end_given = _take(end_parsed.notna().to_numpy(), end_codes)
    with np.errstate(invalid="ignore"):
        flag(end_given & ~ed_missing & (out["end_date"].to_numpy() < out["event_date"].to_numpy()), "end_date",
             "an end on or after the event_date", message="ends before it starts")
    with_end = np.zeros(len(ref.FLOW_EVENTS) + 1, dtype=bool)
    with_end[[ref.FLOW_EVENTS.index(e) for e in ref.EVENTS_WITH_END]] = True
    flag(end_given & (event >= 0) & ~with_end[event], "end_date", "blank: only cpp_start and cla_start rows have an end_date",
         message="is given for an event that has no end")
    dob_codes, dob_parsed, dob_bad = dates["date_of_birth"]
    age_codes, age_uniq = _distinct(df["age_at_event"])
    age_parsed = pd.to_numeric(age_uniq, errors="coerce")
    out["age_at_event"] = _take(age_parsed, age_codes)
    bad_dob = _take(dob_bad, dob_codes)
    flag(bad_dob, "date_of_birth", "a date written YYYY-MM-DD", show_value=False, message="is not a date")
    bad_age = _take((age_parsed.isna() & age_uniq.notna()).to_numpy(), age_codes)
    flag(bad_age, "age_at_event", "a number of years from 0 to 17")
    dob_missing = _take(dob_parsed.isna().to_numpy(), dob_codes)
    age_missing = _take(age_parsed.isna().to_numpy(), age_codes)
    flag(dob_missing & age_missing & ~bad_dob & ~bad_age, "date_of_birth", "a date of birth or an age_at_event",
         show_value=False, message="is empty")
    both = ~ed_missing & ~dob_missing
    days = np.full(len(out), np.nan)
    if both.any():
        diff = out["event_date"].to_numpy()[both] - out["date_of_birth"].to_numpy()[both]
        days[both] = pd.to_timedelta(diff).days
    flag(both & (days < -PREBIRTH_DAYS), "event_date", "no more than 40 weeks (280 days) before the date of birth",
         message="is more than 40 weeks before the child's date of birth")
    age_years = _calendar_age(dob_parsed, ed_parsed, dob_codes, ed_codes)
    age_value = out["age_at_event"].to_numpy(dtype="float64", na_value=np.nan)
    with np.errstate(invalid="ignore"):
        over = (both & (age_years >= 18)) | (age_value >= 18)
        flag(over, "event_date" if "date_of_birth" in raw.columns or "date_of_birth" in df.columns else "age_at_event",
             "a child under 18 at the event", message="the child was 18 or over at this event")
        flag(age_value < 0, "age_at_event", "a number of years from 0 to 17 (use date_of_birth for pre-birth events)")
    sex_codes, sex_uniq = _distinct(df["sex"])
    sex = _take(_code_of(sex_uniq, _SEX_CODES, ref.SEXES), sex_codes)
    flag(sex < 0, "sex", "one of: female, male, unknown")
    eth_codes, eth_uniq = _distinct(df["ethnicity"])
    eth_text = eth_uniq.astype("string").str.strip().str.upper()
    eth_pos = {c: i for i, c in enumerate(ref.ETHNICITY_CODES)}
    ethnicity = _take(np.array([eth_pos.get(v, -1) if v is not pd.NA else -1 for v in eth_text.tolist()], dtype=np.int64),
                      eth_codes)
    flag(ethnicity < 0, "ethnicity",
         f"a DfE ethnicity code, one of: {' '.join(ref.ETHNICITY_CODES)} (map local codes with code_map)")
    dis_codes, dis_uniq = _distinct(df["disability"])
    disability = _take(_code_of(dis_uniq, _DISABILITY, ref.DISABILITY), dis_codes)
    flag(disability < 0, "disability", "one of: yes, no, unknown")
    uasc_codes, uasc_uniq = _distinct(df["uasc"])
    uasc = _take(_code_of(uasc_uniq, _YES_NO, ref.UASC), uasc_codes)
    flag(uasc < 0, "uasc", "one of: yes, no")
    imd_codes, imd_uniq = _distinct(df["imd_decile"])
    imd = pd.to_numeric(imd_uniq, errors="coerce")
    bad_imd = (imd_uniq.notna() & ~imd.isin(range(1, 11))).to_numpy()
    flag(_take(bad_imd, imd_codes), "imd_decile", "a whole number from 1 (most deprived) to 10, or blank")
    out["imd_decile"] = _take(imd.where(~pd.Series(bad_imd, index=imd.index)).astype("Int64"), imd_codes)
    children, _ = factorize_children(out["child_id"])
    dups = _duplicate_rows(children, event, out["event_date"].to_numpy())
    if dups.any():
        dup_frame = out[[ROW_COLUMN, "child_id"]].assign(
            event=pd.Series(_category(np.where(event >= 0, event, -1), ref.FLOW_EVENTS), index=out.index).astype("string"),
            event_date=out["event_date"])
        problems += duplicate_problems(dup_frame, ["child_id", "event", "event_date"], file, hide=["child_id"])
    if problems:
        raise InputError(problems)
    out["event"] = _category(event, ref.FLOW_EVENTS)
    out["sex"] = _category(sex, ref.SEXES)
    out["ethnicity"] = _category(ethnicity, ref.ETHNICITY_CODES)
    out["disability"] = _category(disability, ref.DISABILITY)
    out["uasc"] = _category(uasc, ref.UASC)
    cols = [ROW_COLUMN, "child_id", "event", "event_date", "end_date", "date_of_birth", "age_at_event", "sex",
            "ethnicity", "disability", "uasc", "imd_decile"]
    return out[cols].reset_index(drop=True)


def _duplicate_rows(children: np.ndarray, event: np.ndarray, event_date: np.ndarray) -> np.ndarray:
    """Rows repeating an earlier row's child, event and event date (missing values equal)."""
    d = event_date.view(np.int64)
    valid = ~np.isnat(event_date)
    lo = d[valid].min() if valid.any() else 0
    span = int(d[valid].max() - lo) + 2 if valid.any() else 1
    day = np.where(valid, d - lo + 1, 0)      # 0 for a missing date
    width = len(ref.FLOW_EVENTS) + 1
    if (int(children.max()) + 2 if len(children) else 1) * width * span < 2 ** 62:
        key = ((children + 1) * width + (event + 1)) * span + day
        return pd.Series(key).duplicated().to_numpy()
    return pd.DataFrame({"c": children, "e": event, "d": day}).duplicated().to_numpy()


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
