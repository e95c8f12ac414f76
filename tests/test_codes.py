"""The one code mapper (issue 13): renames and recodes worked out by hand."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from assurance_lib.codes import apply_mapping, recode, rename_columns
from assurance_lib.errors import InputError
from assurance_lib.readers import FILE_COLUMNS_ATTR, read_table


def _extract(tmp_path: Path) -> Path:
    p = tmp_path / "extract.csv"
    p.write_text("LAchildID,Gender,Ethnic,Note\nA1,1,WBRI,x\nA2,2,W1,\nA3,9,,y\n", encoding="utf-8")
    return p


def test_columns_renamed_then_codes_recoded(tmp_path: Path) -> None:
    df = read_table(_extract(tmp_path))
    out = apply_mapping(
        df,
        {
            "column_map": {"LAchildID": "child_id", "Gender": "sex", "Ethnic": "ethnicity"},
            "code_map": {"sex": {1: "male", "2": "female"}, "ethnicity": {"W1": "WBRI"}},
        },
        "extract.csv",
    )
    assert list(out.columns) == ["_row", "child_id", "sex", "ethnicity", "note"]  # names matched ignoring case
    assert out["sex"].tolist() == ["male", "female", "9"]  # 9 is not in the map: kept, for the contract to judge
    assert out["ethnicity"].tolist()[:2] == ["WBRI", "WBRI"] and pd.isna(out["ethnicity"].iloc[2])
    assert str(out["sex"].dtype) == "string"


def test_a_column_the_file_lacks_is_named_with_the_files_columns(tmp_path: Path) -> None:
    df = read_table(_extract(tmp_path), columns=["LAchildID", "Gender"])
    with pytest.raises(InputError) as err:
        rename_columns(df, {"PersonID": "child_id"}, file="extract.csv", parameter="population_column_map")
    assert str(err.value.problems[0]) == (
        "extract.csv, column 'PersonID': is named in the parameter population_column_map but not in the file "
        "(expected one of the file's columns (LAchildID, Gender, Ethnic, Note))"
    )


def test_the_files_column_list_follows_the_rename(tmp_path: Path) -> None:
    df = read_table(_extract(tmp_path), columns=["LAchildID", "Gender"])
    out = rename_columns(df, {"LAchildID": "child_id"}, file="extract.csv")
    assert out.attrs[FILE_COLUMNS_ATTR] == ["child_id", "Gender", "Ethnic", "Note"]


def test_a_categorical_column_is_recoded_per_category_and_stays_categorical() -> None:
    s = pd.Series(["1", "2", None, "1", "3"], dtype="category").cat.add_categories(["unused"])
    out = recode(pd.DataFrame({"sex": s}), {"sex": {"1": "male", "3": "male", "2": "female"}})
    assert isinstance(out["sex"].dtype, pd.CategoricalDtype)
    assert list(out["sex"].cat.categories) == ["male", "female"]  # 1 and 3 become one; "unused" dropped
    assert out["sex"].tolist()[:2] == ["male", "female"] and pd.isna(out["sex"].iloc[2])
    assert out["sex"].tolist()[3:] == ["male", "male"]


def test_empty_maps_and_absent_columns_change_nothing() -> None:
    df = pd.DataFrame({"sex": pd.Series(["1"], dtype="string")})
    assert recode(df.copy(), {"sex": {}, "ethnicity": {"A": "B"}})["sex"].tolist() == ["1"]
    assert apply_mapping(df.copy(), {}, "f.csv")["sex"].tolist() == ["1"]
