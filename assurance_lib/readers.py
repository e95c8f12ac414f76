"""The reader layer: input contracts, registered by each analysis, and the readers that enforce them.

Each analysis module registers an :class:`InputContract` for every input it reads, at import
time::

    register(InputContract(
        name="journey_events", notebook="01_disproportionality", parameter="events_path",
        description="one row per child per journey event", read=read_journey_events,
        identifier_columns=("child_id",),
    ))

``assurance validate`` (and ``assurance run``, before any notebook starts) resolves every
contract's path from the run parameters, reads the file with the contract's ``read`` function
and collects every :class:`~assurance_lib.errors.Problem` of every input. A ``read`` function
raises :class:`~assurance_lib.errors.InputError` listing all problems it found; it never drops
a row silently.

The helpers here are shared by all contracts: :func:`read_table` reads CSV, Excel and parquet
as text columns with row numbers a person can find in the file; :func:`schema_problems` turns
a pandera schema's failures into problems.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from .errors import InputError, Problem

__all__ = [
    "InputContract",
    "register",
    "register_parameter_check",
    "parameter_checks",
    "contracts",
    "contract",
    "read_table",
    "strip_text",
    "matching_columns",
    "canonical_columns",
    "find_column",
    "schema_problems",
    "require_columns",
    "display_path",
    "ROW_COLUMN",
    "SHEET_COLUMN",
    "FILE_COLUMNS_ATTR",
]

ROW_COLUMN = "_row"
"""Column added by :func:`read_table`: the row's number as a person sees it in the file
(CSV: line number with the header as line 1; Excel: the sheet's row number)."""
SHEET_COLUMN = "_sheet"
"""Column added by :func:`read_table` for Excel input: the sheet each row came from."""
FILE_COLUMNS_ATTR = "file_columns"
"""Key of ``DataFrame.attrs`` where :func:`read_table` (given ``columns``) lists every column the
file has, read or not; :func:`require_columns` names them in its messages."""

MISSING_COLUMN_HINT = (
    "Column names are matched ignoring case and surrounding spaces; if your extract calls this "
    "column something else, rename it in the file or, for an input with a column_map parameter, "
    "map it there (see docs/preparing-extracts.md)"
)
"""Added to every message about a missing column."""

ReadFn = Callable[[Path, Mapping[str, Any]], pd.DataFrame]


@dataclass(frozen=True, slots=True, kw_only=True)
class InputContract:
    """An input one notebook reads, and how to read and check it.

    Attributes
    ----------
    name : str
        Short name, e.g. ``"journey_events"``.
    notebook : str
        The notebook that reads it, e.g. ``"01_disproportionality"``.
    parameter : str
        The notebook parameter holding the input's path, e.g. ``"events_path"``.
    read : callable
        ``read(path, params) -> DataFrame``: reads and validates the file; ``params`` are the
        notebook's resolved parameters (column and code mappings live there). Raises
        :class:`InputError` with every problem found.
    description : str
        One line for ``assurance list`` and the manifest.
    optional : bool
        An empty path parameter means the input is absent (not an error).
    identifier_columns : tuple of str
        Columns whose values identify a person or case: their values are scanned for in every
        file of the pack and never published.
    one_of : str
        A name shared by alternative inputs of the same notebook (e.g. ``"journey"`` for the
        child-level events and the aggregate counts): each may be empty (set ``optional``), but
        at least one input of the group must be given.
    """

    name: str
    notebook: str
    parameter: str
    read: ReadFn
    description: str = ""
    optional: bool = False
    identifier_columns: tuple[str, ...] = ()
    one_of: str = ""


_REGISTRY: dict[str, InputContract] = {}


def register(c: InputContract) -> InputContract:
    """Register (or replace) an input contract; returns it."""
    _REGISTRY[c.name] = c
    return c


ParameterCheck = Callable[[Mapping[str, Any]], "list[tuple[str, Any, str]]"]
"""``check(values) -> [(parameter, value, expected), ...]``: the notebook parameter values that are
wrong (an empty list when all are right)."""

_PARAMETER_CHECKS: dict[str, list[ParameterCheck]] = {}


def register_parameter_check(notebook: str, check: ParameterCheck) -> ParameterCheck:
    """Register a check of a notebook's parameter values, run by ``assurance validate``.

    A value that is the right type but not a valid choice (an unknown stage, a false discovery
    rate of 5) is then found before any notebook runs (exit 2), not in the middle of the run.

    Parameters
    ----------
    notebook : str
        The notebook whose parameters are checked, e.g. ``"01_disproportionality"``.
    check : callable
        ``check(values)`` with the notebook's parameter values (defaults overridden by the
        parameters file); returns ``(parameter, value, expected)`` for each wrong value.
    """
    checks = _PARAMETER_CHECKS.setdefault(notebook, [])
    if check not in checks:
        checks.append(check)
    return check


def parameter_checks(notebook: str) -> list[ParameterCheck]:
    """The registered parameter checks of one notebook (import :mod:`assurance_lib.registry` first for every analysis's)."""
    return list(_PARAMETER_CHECKS.get(notebook, []))


def contracts(notebook: str | None = None) -> list[InputContract]:
    """The registered contracts (of one notebook, if given).

    An analysis registers its contracts when it is imported; :mod:`assurance_lib.registry`
    imports every analysis, so import it first to have them all.
    """
    out = list(_REGISTRY.values())
    return [c for c in out if notebook is None or c.notebook == notebook]


def contract(name: str) -> InputContract:
    """One registered contract by name."""
    try:
        return _REGISTRY[name]
    except KeyError:
        raise KeyError(f"no input contract named {name!r} (known: {', '.join(sorted(_REGISTRY))})") from None


def display_path(path: Path | str) -> str:
    """A path as shown in messages: relative to the project root where possible."""
    from .config import project_root

    p = Path(path)
    try:
        return str(p.resolve().relative_to(project_root()))
    except ValueError:
        return str(p)


def read_table(
    path: Path | str,
    *,
    sheet: str | int | None = None,
    all_sheets: bool = False,
    categories: Iterable[str] = (),
    columns: Iterable[str] | None = None,
) -> pd.DataFrame:
    """Read a CSV, Excel or parquet file with every column as text.

    Values are stripped of surrounding spaces and empty cells become ``<NA>``. A ``_row``
    column gives each row's number in the file as a person would find it (header = row 1),
    and for Excel a ``_sheet`` column its sheet. Nothing is converted or dropped here: the
    contract checks and converts.

    Parameters
    ----------
    path : path-like
        ``.csv``, ``.xlsx``/``.xlsm`` or ``.parquet``.
    sheet : str or int, optional
        For Excel: one sheet (default the first).
    all_sheets : bool
        For Excel: read every sheet and stack them (each row keeps its ``_sheet``).
    categories : iterable of str
        Columns to return as ``category`` (text categories, stripped, empty as missing) instead
        of text: the same values, held once per distinct value, so that a column of codes or
        dates in a large extract is read and checked once per distinct value. Parquet columns
        are read dictionary-encoded. Names the file does not have are ignored.
    columns : iterable of str, optional
        Read only these columns (names as in the file, surrounding spaces ignored; names the
        file does not have are ignored): a contract that uses some of a wide extract's columns
        does not read, strip and hold the others. The file's own columns, all of them, are then
        listed in ``df.attrs[FILE_COLUMNS_ATTR]``, so that a message about a missing column
        (:func:`require_columns`) still names every column the file has.

    Raises
    ------
    InputError
        When the file is missing, empty, of an unknown type or cannot be parsed.
    """
    p = Path(path)
    shown = display_path(p)
    if not p.is_file():
        raise InputError(Problem(file=shown, message="no such file"))
    suffix = p.suffix.lower()
    cats = list(dict.fromkeys(str(c) for c in categories))
    wanted = None if columns is None else {str(c).strip() for c in columns}
    file_columns: list[str] | None = None
    try:
        if suffix in (".csv", ".txt"):
            usecols = None
            if wanted is not None:
                file_columns = [
                    str(c).strip() for c in pd.read_csv(p, dtype=str, nrows=0, encoding="utf-8-sig").columns
                ]
                folded = {w.casefold() for w in wanted}
                usecols = lambda c: str(c).strip().casefold() in folded  # noqa: E731 - pandas takes a callable
            df = pd.read_csv(p, dtype=str, keep_default_na=False, na_values=[""], encoding="utf-8-sig", usecols=usecols)
            df.insert(0, ROW_COLUMN, range(2, len(df) + 2))
        elif suffix in (".xlsx", ".xlsm"):
            frames = pd.read_excel(
                p,
                sheet_name=None if all_sheets else (sheet if sheet is not None else 0),
                dtype=str,
                keep_default_na=False,
                na_values=[""],
                engine="openpyxl",
            )
            if not isinstance(frames, dict):
                frames = {sheet if sheet is not None else _first_sheet(p): frames}
            parts = []
            for name, f in frames.items():
                f = f.copy()
                f.insert(0, ROW_COLUMN, range(2, len(f) + 2))
                f.insert(1, SHEET_COLUMN, str(name))
                parts.append(f)
            df = pd.concat(parts, ignore_index=True) if parts else pd.DataFrame()
        elif suffix == ".parquet":
            import pyarrow.parquet as pq

            schema = pq.read_schema(p)
            dictionary = _parquet_text_columns(schema, cats)
            kw: dict[str, Any] = {"read_dictionary": dictionary} if dictionary else {}
            if wanted is not None:
                file_columns = [str(c).strip() for c in schema.names]
                kw["columns"] = matching_columns(schema.names, wanted)
            df = pd.read_parquet(p, **kw)
            df = df.astype({c: "string" for c in df.columns if c not in dictionary})
            df.insert(0, ROW_COLUMN, range(1, len(df) + 1))
        else:
            raise InputError(Problem(file=shown, value=suffix, expected="a .csv, .xlsx or .parquet file"))
    except InputError:
        raise
    except UnicodeDecodeError:  # not UTF-8 (e.g. Excel's Windows-1252): name the row and character, say how to fix
        from .encoding import not_utf8_problem

        raise InputError(not_utf8_problem(p, shown) or Problem(file=shown, message="is not UTF-8 text")) from None
    except Exception as exc:  # parser errors: name the file, not the data
        raise InputError(
            Problem(file=shown, message=f"could not be read ({type(exc).__name__}: {_short(exc)})")
        ) from None
    df.columns = canonical_columns(df.columns, wanted)
    if wanted is not None:
        if file_columns is None:  # Excel: every column was read; keep the wanted ones
            file_columns = [c for c in df.columns if c not in (ROW_COLUMN, SHEET_COLUMN)]
            df = df[
                [
                    c
                    for c in df.columns
                    if c in (ROW_COLUMN, SHEET_COLUMN) or c.casefold() in {w.casefold() for w in wanted}
                ]
            ]
        df.attrs[FILE_COLUMNS_ATTR] = file_columns
    for c in df.columns:
        if c == ROW_COLUMN:
            continue
        is_text = df[c].dtype == object or str(df[c].dtype).startswith("str")
        if isinstance(df[c].dtype, pd.CategoricalDtype) or (is_text and c in cats):
            # categories are read as text (``read_csv(dtype="category")`` would turn "007" into 7)
            df[c] = _strip_categories(df[c].astype("category"))
        elif is_text:
            df[c] = strip_text(df[c])
    return df


_SNAKE = re.compile(r"^[a-z][a-z0-9_]*$")


def canonical_columns(names: Iterable[Any], wanted: Iterable[str] | None = None) -> list[str]:
    """A file's column names as the contracts name them: surrounding spaces stripped and case ignored.

    A name that matches one of ``wanted`` but for case becomes that name; otherwise a name whose
    lower-case form is one of ours (``Child_ID`` -> ``child_id``, ``Event Date`` stays as it is)
    is lower-cased, unless that would make two columns of the same name. Mixed-case names that
    are not ours (``LAchildID``) are lower-cased too; :func:`find_column` finds a ``column_map``
    name whatever its case.

    >>> canonical_columns([" Child_ID ", "EVENT_DATE", "Event Date", "sex"])
    ['child_id', 'event_date', 'Event Date', 'sex']
    >>> canonical_columns(["LAchildID"], wanted=["LAchildID"])
    ['LAchildID']
    """
    stripped = [str(c).strip() for c in names]
    want = {w.strip().casefold(): w.strip() for w in (wanted or ())}
    out = []
    for c in stripped:
        if c.casefold() in want:
            out.append(want[c.casefold()])
        elif c not in (ROW_COLUMN, SHEET_COLUMN) and _SNAKE.match(c.lower()):
            out.append(c.lower())
        else:
            out.append(c)
    if len(set(out)) != len(out):  # two columns differing only by case: keep the file's names
        return stripped
    return out


def find_column(columns: Iterable[Any], name: str) -> str | None:
    """The column of ``columns`` that is ``name`` ignoring case and surrounding spaces (None if none is)."""
    key = str(name).strip().casefold()
    return next((str(c) for c in columns if str(c).strip().casefold() == key), None)


def strip_text(s: pd.Series) -> pd.Series:
    """Text with surrounding spaces stripped and empty text as ``<NA>`` (as :func:`read_table`)."""
    return s.astype("string").str.strip().replace("", pd.NA)


def matching_columns(names: Iterable[Any], wanted: Iterable[str]) -> list[Any]:
    """The names among ``names`` (a file's columns, as written) that are ``wanted`` once their
    surrounding spaces are stripped, as :func:`read_table` names columns."""
    want = {str(c).strip().casefold() for c in wanted}
    return [c for c in names if str(c).strip().casefold() in want]


def _parquet_text_columns(schema: Any, wanted: Sequence[str]) -> list[str]:
    """The ``wanted`` columns that a parquet file (its ``pyarrow`` schema) stores as text
    (readable dictionary-encoded)."""
    if not wanted:
        return []
    import pyarrow as pa

    out = []
    for c in wanted:
        if c in schema.names:
            t = schema.field(c).type
            if pa.types.is_string(t) or pa.types.is_large_string(t):
                out.append(c)
    return out


def _strip_categories(s: pd.Series) -> pd.Series:
    """A categorical column with its categories as stripped text, empty text as missing, and
    categories that became equal merged (each distinct value is processed once)."""
    original = pd.Series(s.cat.categories).astype("string")
    cats = original.str.strip().replace("", pd.NA)
    if cats.notna().all() and (cats == original).all() and original.is_unique and s.cat.categories.dtype == "str":
        return s  # nothing to strip: the column as read
    inverse, uniques = pd.factorize(cats, use_na_sentinel=True)
    codes = s.cat.codes.to_numpy()
    new_codes = np.append(np.asarray(inverse, dtype=np.int64), -1)[codes]
    categories = pd.Index(pd.array(uniques, dtype="str")) if len(uniques) else pd.Index([], dtype="str")
    return pd.Series(pd.Categorical.from_codes(new_codes, categories=categories), index=s.index, name=s.name)


def _first_sheet(p: Path) -> str:
    from openpyxl import load_workbook

    wb = load_workbook(p, read_only=True)
    try:
        return wb.sheetnames[0]
    finally:
        wb.close()


def _short(exc: Exception, n: int = 160) -> str:
    s = str(exc).splitlines()[0] if str(exc) else ""
    return s[:n]


def _place(df: pd.DataFrame, idx: Any) -> str:
    try:
        row = df.loc[idx]
    except (KeyError, TypeError):
        return f"row {idx}"
    parts = []
    if SHEET_COLUMN in df.columns and pd.notna(row.get(SHEET_COLUMN)):
        parts.append(f"sheet '{row[SHEET_COLUMN]}'")
    if ROW_COLUMN in df.columns:
        parts.append(f"row {int(row[ROW_COLUMN])}")
    return ", ".join(parts) or f"row {idx}"


def require_columns(df: pd.DataFrame, required: Iterable[str], file: str) -> list[Problem]:
    """Problems for required columns that are missing (naming what the file does have: every
    column of the file when :func:`read_table` read only some, see :data:`FILE_COLUMNS_ATTR`)."""
    have = list(df.attrs.get(FILE_COLUMNS_ATTR) or [c for c in df.columns if c not in (ROW_COLUMN, SHEET_COLUMN)])
    missing = [c for c in required if c not in df.columns]
    if not missing:
        return []
    return [
        Problem(
            file=file,
            column=c,
            message="is missing",
            expected=f"a column named '{c}' (the file has: {', '.join(have) or 'no columns'}). {MISSING_COLUMN_HINT}",
        )
        for c in missing
    ]


def row_problems(
    df: pd.DataFrame,
    mask: pd.Series,
    file: str,
    column: str,
    expected: str,
    *,
    message: str = "",
    show_value: bool = True,
    limit: int = 50,
) -> list[Problem]:
    """One problem per row where ``mask`` is true (at most ``limit``, then a count).

    Set ``show_value=False`` for columns holding identifiers: the message then names the row
    and column but not the value.
    """
    idx = list(df.index[mask.fillna(False).to_numpy(dtype=bool)])
    out = []
    for i in idx[:limit]:
        v = df.at[i, column] if (show_value and column in df.columns) else None
        v = None if (v is None or (not isinstance(v, str) and pd.isna(v))) else v
        out.append(
            Problem(
                file=file,
                place=_place(df, i),
                column=column,
                value=v if show_value else None,
                message=message
                or (
                    ""
                    if v is not None
                    else ("is empty" if show_value else "is not valid (value not shown: an identifier)")
                ),
                expected=expected,
            )
        )
    if len(idx) > limit:
        out.append(
            Problem(file=file, column=column, message=f"and {len(idx) - limit} more rows like these", expected=expected)
        )
    return out


def schema_problems(
    df: pd.DataFrame, schema: Any, file: str, *, hide_values: Sequence[str] = ()
) -> tuple[pd.DataFrame | None, list[Problem]]:
    """Validate ``df`` against a pandera ``DataFrameSchema`` lazily and translate every failure.

    Parameters
    ----------
    df : DataFrame
        As read by :func:`read_table` (with ``_row``).
    schema : pandera.DataFrameSchema
        The contract's schema (coercion allowed).
    file : str
        The file name shown in messages.
    hide_values : sequence of str
        Columns whose values are identifiers and must not appear in messages.

    Returns
    -------
    (DataFrame or None, list of Problem)
        The validated (coerced) frame when there were no problems.
    """
    import pandera.errors as pa_errors

    try:
        out = schema.validate(df, lazy=True)
        return out, []
    except pa_errors.SchemaErrors as err:
        problems: list[Problem] = []
        fc = err.failure_cases
        for rec in fc.to_dict("records"):
            col = rec.get("column")
            col = None if col is None or (not isinstance(col, str) and pd.isna(col)) else str(col)
            check = str(rec.get("check"))
            case = rec.get("failure_case")
            idx = rec.get("index")
            has_idx = idx is not None and not (not isinstance(idx, str) and pd.isna(idx))
            place = _place(df, idx) if has_idx else ""
            hidden = col in hide_values
            value = None if hidden or case is None or (not isinstance(case, str) and pd.isna(case)) else case
            if check == "column_in_dataframe":
                problems.extend(require_columns(df, [str(case)], file))
                continue
            expected = _explain_check(check)
            problems.append(
                Problem(
                    file=file,
                    place=place,
                    column=col or "",
                    value=value,
                    message="" if value is not None else ("is empty" if not hidden else "is not valid"),
                    expected=expected,
                )
            )
        return None, problems


def _explain_check(check: str) -> str:
    if check.startswith("isin("):
        inner = check[len("isin(") : -1]
        return f"one of: {inner.strip('[]{}')}"
    if check.startswith("coerce_dtype("):
        return f"a value of type {check[len('coerce_dtype(') : -1].strip(chr(39))}"
    if check == "not_nullable":
        return "a value (the column may not be empty)"
    if check.startswith("field_uniqueness") or check == "unique":
        return "unique values"
    if check.startswith("str_matches("):
        return f"text matching {check[len('str_matches(') : -1]}"
    if check.startswith("in_range(") or check.startswith("greater_than") or check.startswith("less_than"):
        return f"a value {check}"
    return check


def duplicate_problems(df: pd.DataFrame, keys: Sequence[str], file: str, *, hide: Sequence[str] = ()) -> list[Problem]:
    """One problem per row that repeats an earlier row's ``keys`` (naming the first row)."""
    present = [k for k in keys if k in df.columns]
    if len(present) != len(keys) or df.empty:
        return []
    dup = df.duplicated(subset=list(keys), keep="first")
    out = []
    first = (
        df.drop_duplicates(subset=list(keys), keep="first").set_index(list(keys))[ROW_COLUMN]
        if ROW_COLUMN in df.columns
        else None
    )
    for i in df.index[dup][:50]:
        key = tuple(df.loc[i, list(keys)])
        shown = ", ".join(f"{k}={'[hidden]' if k in hide else v}" for k, v in zip(keys, key))
        msg = f"duplicates an earlier row ({shown})"
        if first is not None:
            try:
                msg += f", first at row {int(first.loc[key if len(keys) > 1 else key[0]])}"
            except Exception:
                pass
        out.append(Problem(file=file, place=_place(df, i), message=msg, expected=f"one row per {', '.join(keys)}"))
    n = int(dup.sum())
    if n > 50:
        out.append(
            Problem(file=file, message=f"and {n - 50} more duplicate rows", expected=f"one row per {', '.join(keys)}")
        )
    return out


@dataclass(slots=True)
class Quarantine:
    """Rows set aside, with the reason for each, reported rather than silently dropped."""

    rows: list[tuple[str, str, str]] = field(default_factory=list)  # (file, place, reason)

    def add(self, file: str, place: str, reason: str) -> None:
        self.rows.append((file, place, reason))

    def as_frame(self) -> pd.DataFrame:
        return pd.DataFrame(self.rows, columns=["file", "place", "reason"])
