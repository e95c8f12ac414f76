"""One code mapper: a partnership's column names and codes -> the names and codes an input contract expects.

Two parameters describe a local extract (``parameters/template.yaml``):

- ``column_map``: the extract's column name -> ours, e.g. ``{"LAchildID": "child_id"}``;
- ``code_map``: per column (our name), the extract's code -> ours, e.g. ``{"sex": {"1": "male"}}``.

Columns are renamed first, then codes are recoded; a code not in a column's map is kept as it is
(the contract then reports it if it is not one of ours). A column named in ``column_map`` that
the file does not have is a problem naming the file's columns.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd

from .errors import InputError, Problem
from .readers import FILE_COLUMNS_ATTR, find_column

__all__ = ["rename_columns", "recode", "apply_mapping"]


def rename_columns(
    df: pd.DataFrame, column_map: Mapping[str, str] | None, *, file: str, parameter: str = "column_map"
) -> pd.DataFrame:
    """Rename the extract's columns to the contract's (``column_map``: extract name -> contract name).

    The list of the file's columns kept by :func:`~assurance_lib.readers.read_table` (see
    :data:`~assurance_lib.readers.FILE_COLUMNS_ATTR`) is renamed too, so that later messages
    name the columns as the contract does.

    Raises
    ------
    InputError
        One problem per name in ``column_map`` that is not a column of the file, naming
        ``parameter`` and the file's columns.
    """
    cmap = {find_column(df.columns, k) or k: v for k, v in dict(column_map or {}).items()}  # any case
    file_columns = df.attrs.get(FILE_COLUMNS_ATTR) or [c for c in df.columns if not c.startswith("_")]
    missing = [k for k in cmap if k not in df.columns]
    if missing:
        raise InputError(
            [
                Problem(
                    file=file,
                    column=k,
                    message=f"is named in the parameter {parameter} but not in the file",
                    expected=f"one of the file's columns ({', '.join(file_columns)})",
                )
                for k in missing
            ]
        )
    df = df.rename(columns=cmap)
    if FILE_COLUMNS_ATTR in df.attrs:
        df.attrs[FILE_COLUMNS_ATTR] = [cmap.get(c, c) for c in file_columns]
    return df


def recode(df: pd.DataFrame, code_map: Mapping[str, Mapping[Any, Any]] | None) -> pd.DataFrame:
    """Recode values (``code_map``: contract column -> {extract value: contract value}), as text.

    Keys and values are compared and written as text (``{1: "male"}`` maps the cell ``"1"``). A
    column absent from ``df`` is skipped. A categorical column (``read_table(..., categories=...)``)
    is recoded once per category used and stays categorical (categories no row uses are dropped;
    two codes mapped to one become one category).
    """
    for col, mapping in dict(code_map or {}).items():
        if col not in df.columns or not mapping:
            continue
        m = {str(k): str(v) for k, v in dict(mapping).items()}
        s = df[col]
        if isinstance(s.dtype, pd.CategoricalDtype):
            codes = s.cat.codes.to_numpy()
            used = np.zeros(len(s.cat.categories), dtype=bool)
            used[codes[codes >= 0]] = True
            keep = np.flatnonzero(used)
            mapped = pd.Series(
                [m.get(v, v) for v in pd.Series(s.cat.categories[keep], dtype="string").tolist()], dtype="string"
            )
            inverse, new = pd.factorize(mapped, use_na_sentinel=True)
            lut = np.full(len(s.cat.categories) + 1, -1, dtype=np.int64)  # the last: a missing value stays missing
            lut[keep] = inverse
            df[col] = pd.Categorical.from_codes(lut[codes], categories=pd.Index(pd.array(new, dtype="str")))
        else:
            t = s.astype("string")
            df[col] = t.map(lambda v, m=m: m.get(v, v) if v is not pd.NA else v).astype("string")
    return df


def apply_mapping(
    df: pd.DataFrame,
    params: Mapping[str, Any],
    file: str,
    *,
    column_map: str = "column_map",
    code_map: str = "code_map",
) -> pd.DataFrame:
    """:func:`rename_columns` with ``params[column_map]``, then :func:`recode` with ``params[code_map]``.

    Parameters
    ----------
    df : DataFrame
        As :func:`~assurance_lib.readers.read_table` returns it.
    params : mapping
        The notebook's parameters.
    file : str
        The file, as messages show it.
    column_map, code_map : str
        The names of the two parameters (e.g. ``population_column_map`` for a second input).
    """
    df = rename_columns(df, params.get(column_map), file=file, parameter=column_map)
    return recode(df, params.get(code_map))
