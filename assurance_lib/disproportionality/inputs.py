"""Input contracts of notebook 01: journey events, child population, aggregate counts.

Each reader takes the notebook's resolved parameters (``column_map``, ``code_map``) so that a
real extract (a CIN census return, a case-management export) is read without editing it, checks
every row and raises one :class:`~assurance_lib.errors.InputError` listing **every** problem
(file, row, column, value, expectation). Child identifiers and dates of birth are never shown
in a message: the row and column are named instead.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from .. import reference as ref
from ..codes import apply_mapping, rename_columns
from ..dates import DATE_FORMS, parse_dates
from ..errors import InputError, Problem
from ..readers import (
    ROW_COLUMN,
    InputContract,
    display_path,
    duplicate_problems,
    read_table,
    register,
    require_columns,
    row_problems,
)

__all__ = [
    "read_events",
    "read_population",
    "read_aggregate",
    "EVENT_COLUMNS",
    "REFERRAL_SOURCES",
    "EVENTS_WITH_END_DATE",
    "PREBIRTH_DAYS",
    "EVENTS_CONTRACT",
    "POPULATION_CONTRACT",
    "AGGREGATE_CONTRACT",
    "Inputs",
    "load",
]

PREBIRTH_DAYS = 280
"""An event up to 40 weeks before birth is a pre-birth event (counted as "unborn")."""
MIN_DAYS_TO_18 = 18 * 365 + 4
"""The fewest days from a birth to the 18th birthday (18 years hold at least four 29 Februaries)."""

EVENT_COLUMNS = (
    "child_id",
    "event",
    "event_date",
    "end_date",
    "date_of_birth",
    "age_at_event",
    "sex",
    "ethnicity",
    "disability",
    "uasc",
    "imd_decile",
    "referral_source",
    "locality",
)
REFERRAL_SOURCES: dict[str, str] = {
    "1A": "Individual: family member, relative or carer",
    "1B": "Individual: acquaintance (including neighbours and child minders)",
    "1C": "Individual: self",
    "1D": "Individual: other",
    "2A": "Schools",
    "2B": "Education services",
    "3A": "Health services: GP",
    "3B": "Health services: health visitor",
    "3C": "Health services: school nurse",
    "3D": "Health services: other primary health services",
    "3E": "Health services: A&E",
    "3F": "Health services: other (for example hospital, midwifery)",
    "4": "Housing",
    "5A": "LA services: social care",
    "5B": "LA services: other internal",
    "5C": "LA services: external (another local authority)",
    "5D": "LA services: early help",
    "6": "Police",
    "7": "Other legal agency (courts, probation, immigration, CAFCASS, prison)",
    "8": "Other",
    "9": "Anonymous",
    "10": "Unknown",
}
"""Codes of the optional ``referral_source`` column: the children-in-need census source of referral."""
EVENTS_WITH_END_DATE: tuple[str, ...] = (*ref.EVENTS_WITH_END, "assessment", "s47")
"""Events whose row may carry an ``end_date``: plans and care episodes (blank while open), and the
assessment (completed) and section 47 enquiry (concluded) of the core dataset's timeliness."""

_SEX_CODES = {
    "m": "male",
    "male": "male",
    "1": "male",
    "boy": "male",
    "f": "female",
    "female": "female",
    "2": "female",
    "girl": "female",
    "u": "unknown",
    "unknown": "unknown",
    "0": "unknown",
    "9": "unknown",
    "not known": "unknown",
    "not stated": "unknown",
    "indeterminate": "unknown",
    "other": "unknown",
}
_YES_NO = {"y": "yes", "yes": "yes", "true": "yes", "1": "yes", "n": "no", "no": "no", "false": "no", "0": "no"}
_DISABILITY = {**_YES_NO, "u": "unknown", "unknown": "unknown", "not known": "unknown", "not recorded": "unknown"}
_EVENT_CODES = {e: e for e in ref.FLOW_EVENTS} | {
    "s47_enquiry": "s47",
    "section47": "s47",
    "section_47": "s47",
    "cpp": "cpp_start",
    "cla": "cla_start",
    "icpc_held": "icpc",
}


def _distinct(s: pd.Series) -> tuple[np.ndarray, pd.Series]:
    """Each row's code into the column's distinct values, and those values as text.

    Missing values get code -1, which reads the last of the distinct values: a missing value
    (present when, and only when, the column has missing values, so that whatever is worked
    out from the distinct values is worked out from exactly the values of the column).
    """
    if isinstance(s.dtype, pd.CategoricalDtype):
        codes = s.cat.codes.to_numpy()
        n_cat = len(s.cat.categories)
        used = np.zeros(n_cat + 1, dtype=bool)
        used[codes] = True  # code -1 marks the last slot: a missing value
        has_na = bool(used[-1])
        if used[:-1].all():
            uniques = pd.Series(s.cat.categories, dtype="string")
        else:  # categories no row uses are left out
            keep = np.flatnonzero(used[:-1])
            uniques = pd.Series(s.cat.categories[keep], dtype="string")
            remap = np.full(n_cat + 1, -1, dtype=np.int64)  # the last: missing stays -1
            remap[keep] = np.arange(len(keep))
            codes = remap[codes]
    else:
        codes, uniq = pd.factorize(s, use_na_sentinel=True)
        uniques = pd.Series(uniq, dtype="string")
        has_na = bool((codes < 0).any())
    if has_na:
        uniques = pd.concat([uniques, pd.Series([pd.NA], dtype="string")], ignore_index=True)
    return codes, uniques


def _category(codes: np.ndarray, choices: tuple[str, ...]) -> pd.Categorical:
    return pd.Categorical.from_codes(codes, categories=pd.Index(list(choices), dtype="str"))


def _recode(s: pd.Series, table: Mapping[str, str]) -> pd.Series:
    low = s.astype("string").str.strip().str.lower()
    return low.map(lambda v: table.get(v, pd.NA) if v is not pd.NA else pd.NA).astype("string")


def _code_of(uniques: pd.Series, table: Mapping[str, str], choices: tuple[str, ...]) -> np.ndarray:
    """The code (index in ``choices``) of each distinct value, -1 for a missing or unknown one."""
    low = uniques.astype("string").str.strip().str.lower()
    pos = {c: i for i, c in enumerate(choices)}
    return np.array([pos[table[v]] if (v is not pd.NA and v in table) else -1 for v in low.tolist()], dtype=np.int64)


_DATE_RULE = DATE_FORMS + " (a column in month/day/year order is refused whole)"
"""What a date cell of the events may hold (:mod:`assurance_lib.dates`)."""

_CATEGORY_COLUMNS = (
    "event",
    "event_date",
    "end_date",
    "date_of_birth",
    "age_at_event",
    "sex",
    "ethnicity",
    "disability",
    "uasc",
    "imd_decile",
    "referral_source",
    "locality",
)
"""Columns of the events read as categories: few distinct values, each checked once."""


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
        ethnicity, disability, uasc, imd_decile, referral_source, locality, child`` typed: dates as
        datetime64, ``age_at_event`` numeric, ``imd_decile`` Int64, ``child_id`` as text, the codes
        ``event``, ``sex``, ``ethnicity``, ``disability``, ``uasc`` and ``referral_source`` as
        categoricals whose categories are the contract's codes (``reference.FLOW_EVENTS``,
        ``SEXES``, ``ETHNICITY_CODES``, ``DISABILITY``, ``UASC``, :data:`REFERRAL_SOURCES`), and
        ``locality`` as a categorical of the names in the file (optional columns absent from the
        file are all missing). ``child``: an integer code of each ``child_id`` (0, 1, 2 ... in order
        of first appearance; the duplicate check's), which :func:`~.cohort.prepare_events` reuses
        so that the ids are hashed once. Identifiers stay inside the library.

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
    in_file = {v: k for k, v in dict(params.get("column_map") or {}).items()}
    file = display_path(path)
    raw = read_table(
        path,
        categories=[in_file.get(c, c) for c in _CATEGORY_COLUMNS],
        columns=[in_file.get(c, c) for c in EVENT_COLUMNS],
    )
    df = apply_mapping(raw, params, file)  # codes.apply_mapping: column_map, then code_map
    problems: list[Problem] = []
    problems += require_columns(df, ["child_id", "event", "event_date", "sex", "ethnicity", "disability", "uasc"], file)
    if "date_of_birth" not in df.columns and "age_at_event" not in df.columns:
        problems.append(
            Problem(
                file=file,
                column="date_of_birth",
                message="is missing",
                expected="a date_of_birth or an age_at_event column",
            )
        )
    if problems:
        raise InputError(problems)
    for c in ("end_date", "date_of_birth", "age_at_event", "imd_decile", "referral_source", "locality"):
        if c not in df.columns:  # an absent optional column: every value missing
            df[c] = pd.Series(
                pd.Categorical.from_codes(np.full(len(df), -1, dtype=np.int8), categories=pd.Index([], dtype="str")),
                index=df.index,
            )

    def flag(mask: np.ndarray | pd.Series, column: str, expected: str, **kw: Any) -> None:
        m = np.asarray(mask, dtype=bool)
        if m.any():
            problems.extend(row_problems(df, pd.Series(m, index=df.index), file, column, expected, **kw))

    out: dict[str, Any] = {ROW_COLUMN: df[ROW_COLUMN].to_numpy()}
    ids = df["child_id"].astype("string")  # stripped, empty as missing (read_table)
    flag(ids.isna(), "child_id", "a pseudonymous child identifier", show_value=False)
    out["child_id"] = ids.array
    checked = _check_columns(df, raw, out, flag, file)
    children = pd.factorize(ids)[0]  # for the duplicate check (-1: missing)
    result = pd.DataFrame(out, copy=False)  # no copy: each column stays the array made above
    event_rows = checked.event.rows()
    if _duplicate_rows(children, event_rows, checked.same_date):
        dup_frame = result[[ROW_COLUMN, "child_id"]].assign(
            event=pd.Series(_category(event_rows, ref.FLOW_EVENTS)).astype("string"), event_date=result["event_date"]
        )
        problems += duplicate_problems(dup_frame, ["child_id", "event", "event_date"], file, hide=["child_id"])
    if problems:
        raise InputError(problems)
    coded = {
        c: _category(checked.codes[c].rows(np.int8), choices)
        for c, choices in (
            ("event", ref.FLOW_EVENTS),
            ("sex", ref.SEXES),
            ("ethnicity", ref.ETHNICITY_CODES),
            ("disability", ref.DISABILITY),
            ("uasc", ref.UASC),
            ("referral_source", tuple(REFERRAL_SOURCES)),
        )
    }
    cols = [
        ROW_COLUMN,
        "child_id",
        "event",
        "event_date",
        "end_date",
        "date_of_birth",
        "age_at_event",
        "sex",
        "ethnicity",
        "disability",
        "uasc",
        "imd_decile",
        "referral_source",
        "locality",
    ]
    out["child"] = children.astype(np.int64, copy=False)
    return pd.DataFrame({c: coded[c] if c in coded else out[c] for c in [*cols, "child"]}, copy=False)


@dataclass(frozen=True, slots=True)
class _Checked:
    """What :func:`_check_columns` leaves for the duplicate check and the coded columns."""

    codes: dict[str, _Recoded]  # event, sex, ethnicity, disability, uasc, referral_source
    same_date: np.ndarray  # equal event dates, equal codes (-1 missing)

    @property
    def event(self) -> _Recoded:
        return self.codes["event"]


def _check_columns(df: pd.DataFrame, raw: pd.DataFrame, out: dict[str, Any], flag: Any, file: str) -> _Checked:
    """Check and convert every column of the events but the child ids (see :func:`read_events`).

    Bad rows are reported through ``flag``; the converted dates, ages and deciles are put in
    ``out``; the codes of the coded columns are returned. Each distinct value of a column is
    checked and converted once, then spread to the rows. Dates follow the workbench's one rule
    (:func:`assurance_lib.dates.parse_dates`, applied to the distinct values of each column: a
    column in US month/day/year order is refused whole); their rows are reported through ``flag``.
    """
    col = {c: _Distinct.of(df[c]) for c in _CATEGORY_COLUMNS}
    event = col["event"].codes_in(_code_of(col["event"].values, _EVENT_CODES, ref.FLOW_EVENTS))
    col["event"].flag(event.per_value < 0, flag, "event", f"one of: {', '.join(ref.FLOW_EVENTS)}")
    # each date column's distinct values by the one date rule; what it refuses is NaT, reported row by row below
    parsed = {
        c: parse_dates(col[c].values, file=file, column=c, problems=[])
        for c in ("event_date", "end_date", "date_of_birth")
    }
    for c, v in parsed.items():
        out[c] = col[c].spread(v.to_numpy())
    ed, end, dob = col["event_date"], col["end_date"], col["date_of_birth"]
    ed_missing = parsed["event_date"].isna().to_numpy()
    ed.flag(ed_missing, flag, "event_date", _DATE_RULE)
    end.flag(
        (parsed["end_date"].isna() & end.values.notna()).to_numpy(),
        flag,
        "end_date",
        _DATE_RULE + ", or blank while the plan or episode is open",
    )
    # an end date is on few rows: look at those rows only
    with_end = np.flatnonzero(end.spread(parsed["end_date"].notna().to_numpy()))
    if len(with_end):
        before = np.zeros(len(df), dtype=bool)
        with np.errstate(invalid="ignore"):
            before[with_end] = ~ed_missing[ed.codes[with_end]] & (
                out["end_date"][with_end] < out["event_date"][with_end]
            )
        flag(before, "end_date", "an end on or after the event_date", message="ends before it starts")
        opens = np.zeros(len(ref.FLOW_EVENTS) + 1, dtype=bool)
        opens[[ref.FLOW_EVENTS.index(e) for e in EVENTS_WITH_END_DATE]] = True
        no_end = np.zeros(len(df), dtype=bool)
        ev_rows = event.per_value[event.source.codes[with_end]]
        no_end[with_end] = (ev_rows >= 0) & ~opens[ev_rows]
        flag(
            no_end,
            "end_date",
            "blank: only assessment, s47, cpp_start and cla_start rows have an end_date",
            message="is given for an event that has no end",
        )
    age_col = col["age_at_event"]
    age_parsed = pd.to_numeric(age_col.values, errors="coerce")
    out["age_at_event"] = age_col.spread(age_parsed.array)
    dob_bad = (parsed["date_of_birth"].isna() & dob.values.notna()).to_numpy()
    dob.flag(dob_bad, flag, "date_of_birth", _DATE_RULE, show_value=False, message="is not a date")
    age_bad = (age_parsed.isna() & age_col.values.notna()).to_numpy()
    age_col.flag(age_bad, flag, "age_at_event", "a number of years from 0 to 17")
    dob_missing = parsed["date_of_birth"].isna().to_numpy()
    age_missing = age_parsed.isna().to_numpy()
    if (dob_missing & ~dob_bad).any() and (age_missing & ~age_bad).any():
        flag(
            dob.spread(dob_missing & ~dob_bad) & age_col.spread(age_missing & ~age_bad),
            "date_of_birth",
            "a date of birth or an age_at_event",
            show_value=False,
            message="is empty",
        )
    # age at the event from the distinct dates: days since birth, and the 18th birthday
    earliest, adult_from = _age_limits(parsed["date_of_birth"])
    # day numbers per row as float32: exact for whole numbers of days up to 2**24 (45,000 years)
    day = ed.spread(_day_number(parsed["event_date"]).astype(np.float32))
    with np.errstate(invalid="ignore"):
        since = dob.spread(earliest.astype(np.float32))
        np.subtract(day, since, out=since)  # days since the earliest valid day (NaN when unknown)
        prebirth = since < 0  # more than 40 weeks before birth
        # on or after the 18th birthday: looked at only where at least MIN_DAYS_TO_18 after birth
        adult = np.zeros(len(day), dtype=bool)
        near = np.flatnonzero(since >= PREBIRTH_DAYS + MIN_DAYS_TO_18)
        adult[near] = day[near] >= adult_from[dob.codes[near]]
        age_values = age_parsed.to_numpy(dtype="float64", na_value=np.nan)
        adult_age, negative_age = age_values >= 18, age_values < 0
    flag(
        prebirth,
        "event_date",
        "no more than 40 weeks (280 days) before the date of birth",
        message="is more than 40 weeks before the child's date of birth",
    )
    if adult.any() or adult_age.any():
        flag(
            adult | age_col.spread(adult_age),
            "event_date" if "date_of_birth" in raw.columns or "date_of_birth" in df.columns else "age_at_event",
            "a child under 18 at the event",
            message="the child was 18 or over at this event",
        )
    age_col.flag(
        negative_age, flag, "age_at_event", "a number of years from 0 to 17 (use date_of_birth for pre-birth events)"
    )
    sex = col["sex"].codes_in(_code_of(col["sex"].values, _SEX_CODES, ref.SEXES))
    col["sex"].flag(sex.per_value < 0, flag, "sex", "one of: female, male, unknown")
    eth_pos = {c: i for i, c in enumerate(ref.ETHNICITY_CODES)}
    eth_text = col["ethnicity"].values.astype("string").str.strip().str.upper()
    ethnicity = col["ethnicity"].codes_in(
        np.array([eth_pos.get(v, -1) if v is not pd.NA else -1 for v in eth_text.tolist()], dtype=np.int64)
    )
    col["ethnicity"].flag(
        ethnicity.per_value < 0,
        flag,
        "ethnicity",
        f"a DfE ethnicity code, one of: {' '.join(ref.ETHNICITY_CODES)} (map local codes with code_map)",
    )
    disability = col["disability"].codes_in(_code_of(col["disability"].values, _DISABILITY, ref.DISABILITY))
    col["disability"].flag(disability.per_value < 0, flag, "disability", "one of: yes, no, unknown")
    uasc = col["uasc"].codes_in(_code_of(col["uasc"].values, _YES_NO, ref.UASC))
    col["uasc"].flag(uasc.per_value < 0, flag, "uasc", "one of: yes, no")
    imd_col = col["imd_decile"]
    imd = pd.to_numeric(imd_col.values, errors="coerce")
    bad_imd = (imd_col.values.notna() & ~imd.isin(range(1, 11))).to_numpy()
    imd_col.flag(bad_imd, flag, "imd_decile", "a whole number from 1 (most deprived) to 10, or blank")
    out["imd_decile"] = imd_col.spread(imd.where(~pd.Series(bad_imd, index=imd.index)).astype("Int64").array)
    src = col["referral_source"]
    src_pos = {c: i for i, c in enumerate(REFERRAL_SOURCES)}
    src_text = src.values.astype("string").str.strip().str.upper()
    source = src.codes_in(np.array([src_pos.get(v, -1) if v is not pd.NA else -1 for v in src_text.tolist()]))
    src.flag(
        (source.per_value < 0) & src.values.notna().to_numpy(),
        flag,
        "referral_source",
        f"a children-in-need census source of referral, one of: {' '.join(REFERRAL_SOURCES)}, or blank",
    )
    loc = col["locality"]
    names = loc.values.astype("string").str.strip()
    places = pd.Index(names.dropna().unique(), dtype="str")
    out["locality"] = pd.Categorical.from_codes(places.get_indexer(names)[loc.codes], categories=places)
    # equal dates, equal codes: the distinct texts' codes themselves unless two texts are one date
    date_codes = pd.factorize(parsed["event_date"], use_na_sentinel=True)[0]
    own = np.arange(len(date_codes))
    if ((date_codes == own) | ((date_codes == -1) & (own == len(own) - 1) & ed.values.isna().to_numpy())).all():
        same_date = ed.codes
    else:
        same_date = ed.spread(date_codes)
    return _Checked(
        codes={
            "event": event,
            "sex": sex,
            "ethnicity": ethnicity,
            "disability": disability,
            "uasc": uasc,
            "referral_source": source,
        },
        same_date=same_date,
    )


@dataclass(frozen=True, slots=True)
class _Distinct:
    """A column as the codes of its rows into its distinct values (see :func:`_distinct`)."""

    codes: np.ndarray
    values: pd.Series

    @classmethod
    def of(cls, s: pd.Series) -> _Distinct:
        return cls(*_distinct(s))

    def spread(self, per_value: Any) -> Any:
        """One value per distinct value -> one per row (numpy arrays by indexing, nullable
        integer and float arrays by indexing their values and their mask, others by ``take``)."""
        if isinstance(per_value, np.ndarray):
            return per_value[self.codes]
        if isinstance(per_value, (pd.arrays.IntegerArray, pd.arrays.FloatingArray)):
            mask = np.asarray(per_value.isna(), dtype=bool)
            if mask.all():  # every value missing (an absent column): zeros not written to
                n = len(self.codes)
                return type(per_value)(np.zeros(n, dtype=per_value.dtype.numpy_dtype), np.ones(n, dtype=bool))
            values = per_value.to_numpy(dtype=per_value.dtype.numpy_dtype, na_value=0)
            return type(per_value)(values[self.codes], mask[self.codes])
        return per_value.take(self.codes.astype(np.intp))

    def flag(self, bad: np.ndarray, flag: Any, column: str, expected: str, **kw: Any) -> None:
        """Report the rows holding a bad distinct value (nothing to do, row by row, when none is)."""
        bad = np.asarray(bad, dtype=bool)
        if bad.any():
            flag(bad[self.codes], column, expected, **kw)

    def codes_in(self, per_value: np.ndarray) -> _Recoded:
        """Each distinct value's code in a code list (-1 for none)."""
        return _Recoded(self, np.asarray(per_value, dtype=np.int64))


@dataclass(frozen=True, slots=True)
class _Recoded:
    source: _Distinct
    per_value: np.ndarray

    def rows(self, dtype: Any = np.int64) -> np.ndarray:
        """The code of each row."""
        return self.per_value.astype(dtype)[self.source.codes]


def _day_number(dates: pd.Series) -> np.ndarray:
    """Days since 1970-01-01 of each date (NaN when missing)."""
    out = np.full(len(dates), np.nan)
    ok = dates.notna().to_numpy()
    out[ok] = dates[ok].to_numpy().astype("datetime64[D]").astype(np.int64)
    return out


def _age_limits(dob: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """For each date of birth, the earliest valid event day (40 weeks before birth) and the day of
    the 18th birthday (a child is 18 from then on, calendar age; born on 29 February: 1 March),
    as day numbers (NaN when missing)."""
    born = _day_number(dob)
    adult = np.full(len(dob), np.nan)
    ok = dob.notna().to_numpy()
    if ok.any():
        d = dob[ok]
        birthday = pd.to_datetime(
            pd.DataFrame({"year": d.dt.year + 18, "month": d.dt.month, "day": d.dt.day}), errors="coerce"
        )
        leap = pd.to_datetime(pd.DataFrame({"year": d.dt.year + 18, "month": 3, "day": 1}), errors="coerce")
        adult[ok] = _day_number(birthday.fillna(leap))
    return born - PREBIRTH_DAYS, adult


def _duplicate_rows(children: np.ndarray, event: np.ndarray, date: np.ndarray) -> bool:
    """Whether a row repeats another row's child, event and event date (codes; -1 missing, and
    missing values are equal), by sorting one integer key per row (a stable sort: timsort, which
    takes the runs of rows already in order of child as they are, about twice as quick here as the
    default on an extract whose rows come child by child)."""
    if not len(children):
        return False
    width = len(ref.FLOW_EVENTS) + 1
    span = int(date.max()) + 2
    if (int(children.max()) + 2) * width * span < 2**62:
        key = children + 1  # ((child + 1) * width + event + 1) * span + date + 1, in place
        key *= width
        key += event
        key += 1
        key *= span
        key += date
        key += 1
        key.sort(kind="stable")
        return bool((key[1:] == key[:-1]).any())
    return bool(pd.DataFrame({"c": children, "e": event, "d": date}).duplicated().any())


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
    df = rename_columns(
        read_table(path), params.get("population_column_map"), file=file, parameter="population_column_map"
    )  # the population has no code map of its own
    problems = require_columns(df, ["ethnicity", "sex", "age_band", "population", "source", "vintage"], file)
    if problems:
        raise InputError(problems)
    cw = ref.load_crosswalk()
    lookup = {
        **{c: c for c in ref.ETHNICITY_CODES},
        **dict(zip(cw["census2021_name"], cw["dfe_code"])),
        **dict(zip(cw["census2021_code"], cw["dfe_code"])),
    }
    eth = df["ethnicity"].astype("string").str.strip()
    code = eth.map(lambda v: lookup.get(v, lookup.get(str(v).upper(), pd.NA)) if v is not pd.NA else pd.NA).astype(
        "string"
    )
    problems += row_problems(
        df,
        code.isna(),
        file,
        "ethnicity",
        "a DfE ethnicity code or a Census 2021 ethnic group (see data/reference/ethnicity_crosswalk.csv)",
    )
    problems += row_problems(
        df,
        code.isin(ref.NO_POPULATION_CODES),
        file,
        "ethnicity",
        "an ethnic group with a population (refused and not obtained have none)",
    )
    sex = _recode(df["sex"], _SEX_CODES)
    problems += row_problems(df, ~sex.isin(["female", "male"]).fillna(False), file, "sex", "one of: female, male")
    band = df["age_band"].astype("string").str.strip().str.lower()
    problems += row_problems(
        df, ~band.isin(ref.AGE_BANDS[1:]).fillna(False), file, "age_band", f"one of: {', '.join(ref.AGE_BANDS[1:])}"
    )
    pop = pd.to_numeric(df["population"].astype("string").str.replace(",", "", regex=False), errors="coerce")
    problems += row_problems(
        df,
        ~((pop >= 0) & (pop == np.floor(pop))).fillna(False),
        file,
        "population",
        "a whole number of children, 0 or more",
    )
    raw = pd.DataFrame({ROW_COLUMN: df[ROW_COLUMN], "ethnicity": eth, "sex": sex, "age_band": band})
    problems += duplicate_problems(raw, ["ethnicity", "sex", "age_band"], file)
    if problems:
        raise InputError(problems)
    out = pd.DataFrame(
        {
            "ethnicity": code,
            "sex": sex,
            "age_band": band,
            "population": pop.astype("int64"),
            "source": df["source"].astype("string"),
            "vintage": df["vintage"].astype("string"),
        }
    )
    agg = out.groupby(["ethnicity", "sex", "age_band"], as_index=False).agg(
        population=("population", "sum"), source=("source", "first"), vintage=("vintage", "first")
    )
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
    problems += row_problems(
        df, ~st.isin(ref.STAGE_CODES).fillna(False), file, "stage", f"one of: {', '.join(ref.STAGE_CODES)}"
    )
    gt = df["group_type"].astype("string").str.strip().str.lower()
    problems += row_problems(
        df,
        ~gt.isin(AGGREGATE_GROUP_TYPES).fillna(False),
        file,
        "group_type",
        f"one of: {', '.join(AGGREGATE_GROUP_TYPES)}",
    )
    values = aggregate_group_values(has_imd=True)
    canon = {(t, v.casefold()): v for t, vs in values.items() for v in vs}
    raw_group = df["group"].astype("string").str.strip()
    group = pd.Series(
        [
            canon.get((t, str(g).casefold()), pd.NA) if t is not pd.NA and g is not pd.NA else pd.NA
            for t, g in zip(gt, raw_group)
        ],
        index=df.index,
        dtype="string",
    )
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
            problems += row_problems(
                df,
                ~whole & ~blank_ok,
                file,
                c,
                "a whole number of children, 0 or more" + (", or blank" if c != "count" else ""),
            )
            out[c] = v.where(whole).astype("Int64")
    if "converted" in out or "feeder_count" in out:
        if not {"converted", "feeder_count"} <= set(out.columns):
            given = "converted" if "converted" in out else "feeder_count"
            problems.append(
                Problem(
                    file=file,
                    column=given,
                    message="is given without its partner column",
                    expected="both feeder_count and converted, or neither",
                )
            )
        else:
            one = out["converted"].isna() != out["feeder_count"].isna()
            problems += row_problems(
                df,
                one,
                file,
                "converted",
                "both feeder_count and converted on a row, or neither",
                message="and feeder_count must be given together",
            )
            over = (out["converted"] > out["feeder_count"]).fillna(False)
            problems += row_problems(
                df,
                over,
                file,
                "converted",
                "at most feeder_count (children at the feeder stage)",
                message="is more than feeder_count",
            )
            has_conv = out["converted"].notna() | out["feeder_count"].notna()
            no_feeder = has_conv & ~st.isin(list(ref.DEFAULT_FEEDERS)).fillna(True)
            problems += row_problems(
                df,
                no_feeder,
                file,
                "feeder_count",
                f"blank: conversions are for the stages with a feeder ({', '.join(ref.DEFAULT_FEEDERS)})",
                message="is given for a stage that has no feeder stage",
            )
    keyed = pd.concat([df[[ROW_COLUMN]], out[["stage", "group_type", "group"]]], axis=1)
    problems += duplicate_problems(keyed, ["stage", "group_type", "group"], file)
    if problems:
        raise InputError(problems)
    problems += _aggregate_sums(out, df, file, group_relations(has_imd=True, minor_intersections=True))
    if problems:
        raise InputError(problems)
    return out.reset_index(drop=True)


def _aggregate_sums(agg: pd.DataFrame, raw: pd.DataFrame, file: str, relations: list[Any]) -> list[Problem]:
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
                        raw,
                        pd.Series(raw.index == tot["index"], index=raw.index),
                        file,
                        c,
                        "the sum of its parts when every part is given (leave out a part that is not known)",
                        message=(
                            f"is {total:,} for stage {stage}, {r.total_type} '{r.total}', but its {len(keys)} "
                            f"{r.part_type} rows add up to {s:,}"
                        ),
                        show_value=False,
                    )
    return problems


EVENTS_CONTRACT = register(
    InputContract(
        name="journey_events",
        notebook="01_disproportionality",
        parameter="events_path",
        read=read_events,
        description="journey events, one row per child per event (contact to looked after)",
        identifier_columns=("child_id",),
        optional=True,
        one_of="journey",
    )
)
POPULATION_CONTRACT = register(
    InputContract(
        name="child_population",
        notebook="01_disproportionality",
        parameter="population_path",
        read=read_population,
        description="children aged 0-17 by ethnicity, sex and age band, with source and vintage",
    )
)
AGGREGATE_CONTRACT = register(
    InputContract(
        name="journey_aggregate",
        notebook="01_disproportionality",
        parameter="aggregate_path",
        read=read_aggregate,
        description="children by stage and group (aggregate input, instead of events)",
        optional=True,
        one_of="journey",
    )
)


if TYPE_CHECKING:
    from .settings import Settings


@dataclass(frozen=True, slots=True)
class Inputs:
    """The checked inputs of one run (identifiers stay inside the library).

    ``events`` is ``None`` when the partnership gives only an ``aggregate`` (children by stage
    and group): the grid is then computed from the aggregate, and the views that need
    child-level events (trends, age standardisation without the intersections, deprivation)
    say so instead of showing a number.
    """

    events: pd.DataFrame | None
    population: pd.DataFrame
    aggregate: pd.DataFrame | None = None

    @property
    def from_aggregate(self) -> bool:
        """True when the grid comes from aggregate counts (no child-level events)."""
        return self.events is None


def load(settings: Settings) -> Inputs:
    """Read and check the events (or aggregate) and the population the settings name.

    Raises
    ------
    InputError
        Every problem in every input at once.
    """
    values = settings.values()
    frames: dict[str, pd.DataFrame] = {}
    problems: list[Problem | str] = []
    for fn, key in (
        (read_events, "events_path"),
        (read_aggregate, "aggregate_path"),
        (read_population, "population_path"),
    ):
        if not values[key]:
            continue
        try:
            frames[key] = fn(values[key], values)
        except InputError as exc:
            problems.extend(exc.problems)
    if problems:
        raise InputError(problems)
    return Inputs(
        events=frames.get("events_path"), population=frames["population_path"], aggregate=frames.get("aggregate_path")
    )
