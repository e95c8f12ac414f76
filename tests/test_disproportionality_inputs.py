"""Input contracts of notebook 01: every problem reported at once, identifiers never shown."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from assurance_lib import readers
from assurance_lib.config import Period
from assurance_lib.disproportionality import read_aggregate, read_events, read_population
from assurance_lib.disproportionality.cohort import prepare_events
from assurance_lib.errors import InputError

HEADER = "child_id,event,event_date,end_date,date_of_birth,sex,ethnicity,disability,uasc,imd_decile\n"
GOOD = "SECRET001,referral,2026-05-01,,2015-03-02,female,WBRI,no,no,3\n"


def _write(tmp_path, text, name="events.csv"):
    p = tmp_path / name
    p.write_text(text, encoding="utf-8")
    return p


def test_contracts_are_registered_for_notebook_01():
    names = {c.name: c for c in readers.contracts("01_disproportionality")}
    assert {"journey_events", "child_population", "journey_aggregate"} <= set(names)
    assert names["journey_events"].identifier_columns == ("child_id",)
    assert names["journey_events"].parameter == "events_path"
    assert names["journey_aggregate"].optional


def test_good_file_is_typed(tmp_path):
    df = read_events(_write(tmp_path, HEADER + GOOD), {})
    assert len(df) == 1
    assert df.loc[0, "event_date"] == pd.Timestamp("2026-05-01")
    assert pd.isna(df.loc[0, "end_date"])
    assert df.loc[0, "imd_decile"] == 3


def test_every_problem_is_listed_with_file_row_column_value_and_expectation(tmp_path):
    rows = [
        GOOD,  # row 2 fine
        "SECRET002,referal,2026-05-01,,2015-03-02,female,WBRI,no,no,3\n",  # row 3 unknown event
        "SECRET003,referral,2026-05-01,,2015-03-02,female,XXXX,no,no,3\n",  # row 4 unknown ethnicity code
        "SECRET004,referral,2014-01-01,,2015-03-02,female,WBRI,no,no,3\n",  # row 5 > 40 weeks before birth
        "SECRET005,referral,2026-05-01,,2007-03-02,female,WBRI,no,no,3\n",  # row 6 aged 19 at the event
        "SECRET006,cpp_start,2026-05-01,2026-04-01,2015-03-02,female,WBRI,no,no,3\n",  # row 7 ends before start
        GOOD,  # row 8 duplicates row 2
        "SECRET008,referral,01/13/2026,,2015-03-02,female,WBRI,no,no,3\n",  # row 9 not a date
        "SECRET009,referral,2026-05-01,,2015-03-02,x,WBRI,maybe,no,11\n",  # row 10 sex, disability, imd
    ]
    with pytest.raises(InputError) as err:
        read_events(_write(tmp_path, HEADER + "".join(rows)), {})
    text = str(err.value)
    probs = [str(p) for p in err.value.problems]
    assert any("row 3" in p and "column 'event'" in p and "'referal'" in p and "expected one of" in p for p in probs)
    assert any("row 4" in p and "column 'ethnicity'" in p and "'XXXX'" in p and "WBRI" in p for p in probs)
    assert any("row 5" in p and "40 weeks" in p for p in probs)
    assert any("row 6" in p and "18 or over" in p for p in probs)
    assert any("row 7" in p and "column 'end_date'" in p and "ends before it starts" in p for p in probs)
    assert any("row 8" in p and "duplicates an earlier row" in p and "first at row 2" in p for p in probs)
    assert any(
        "row 9" in p and "column 'event_date'" in p and "a date written yyyy-mm-dd (e.g. 2026-07-01) or dd/mm/yyyy" in p
        for p in probs
    )
    assert any("row 10" in p and "column 'sex'" in p for p in probs)
    assert any("row 10" in p and "column 'disability'" in p for p in probs)
    assert any("row 10" in p and "column 'imd_decile'" in p for p in probs)
    assert all("events.csv" in p for p in probs)
    # identifiers and dates of birth never appear
    assert "SECRET" not in text and "2015-03-02" not in text and "2007-03-02" not in text


def test_missing_columns_named_with_what_the_file_has(tmp_path):
    with pytest.raises(InputError) as err:
        read_events(_write(tmp_path, "child_id,event\nA,referral\n"), {})
    text = str(err.value)
    for col in ("event_date", "sex", "ethnicity", "disability", "uasc", "date_of_birth"):
        assert f"column '{col}'" in text
    assert "the file has: child_id, event" in text


@pytest.mark.parametrize("suffix", [".csv", ".parquet"])
def test_blank_child_id_is_reported_first_without_reading_other_columns(tmp_path, suffix):
    def write(text):
        p = _write(tmp_path, text)
        if suffix == ".parquet":
            frame = pd.read_csv(p, dtype=str, keep_default_na=False)
            p = tmp_path / "events.parquet"
            frame.to_parquet(p, index=False)
        return p

    first = 2 if suffix == ".csv" else 1  # the row numbers a person finds: CSV counts the header
    header = "child_id,event,event_date,end_date,date_of_birth,sex,ethnicity,disability,uasc,worker_name\n"
    text = (
        header + "  ,referral,2026-05-01,,2015-03-02,female,WBRI,no,no,Jo Bloggs\n"  # blank id
        "SECRET2,referral,2026-05-01,,2015-03-02,female,XXXX,no,no,Jo Bloggs\n"
    )  # unknown code
    with pytest.raises(InputError) as err:
        read_events(write(text), {})
    probs = [str(p) for p in err.value.problems]
    assert len(probs) == 2
    assert probs[0].endswith(
        f"events{suffix}, row {first}, column 'child_id': is not valid (value not shown: an "
        "identifier) (expected a pseudonymous child identifier)"
    )
    assert f"row {first + 1}" in probs[1] and "column 'ethnicity'" in probs[1]
    # an id with spaces around it is the same child as without: the second row repeats the first
    text = (
        header + " SECRET2 ,referral,2026-05-01,,2015-03-02,female,WBRI,no,no,Jo Bloggs\n"
        "SECRET2,referral,2026-05-01,,2015-03-02,female,WBRI,no,no,Jo Bloggs\n"
    )
    with pytest.raises(InputError, match=f"row {first + 1}.*duplicates an earlier row.*first at row {first}"):
        read_events(write(text), {})
    good = read_events(write(text.replace("SECRET2,referral", "SECRET2,assessment")), {})
    assert good["child_id"].tolist() == ["SECRET2", "SECRET2"] and "worker_name" not in good.columns
    assert prepare_events(good, dt.date(2026, 9, 30)).events["child"].tolist() == [0, 0]  # one child


def test_column_map_names_every_column_of_the_file(tmp_path):
    text = "PersonID,EventType,Notes\nP1,Referral,x\n"
    with pytest.raises(InputError) as err:
        read_events(_write(tmp_path, text), {"column_map": {"Nope": "child_id"}})
    assert "one of the file's columns (PersonID, EventType, Notes)" in str(err.value)
    with pytest.raises(InputError) as err:
        read_events(_write(tmp_path, text), {"column_map": {"PersonID": "child_id"}})
    assert "the file has: child_id, EventType, Notes" in str(err.value)


def test_column_and_code_mapping_reads_a_local_extract_unchanged(tmp_path):
    text = "PersonID,EventType,Date,End,DOB,Gender,Ethnic,Disabled,UASC\nP1,Referral,2026-05-01,,2015-03-02,M,A1,N,N\n"
    params = {
        "column_map": {
            "PersonID": "child_id",
            "EventType": "event",
            "Date": "event_date",
            "End": "end_date",
            "DOB": "date_of_birth",
            "Gender": "sex",
            "Ethnic": "ethnicity",
            "Disabled": "disability",
            "UASC": "uasc",
        },
        "code_map": {"ethnicity": {"A1": "AIND"}},
    }
    df = read_events(_write(tmp_path, text), params)
    assert df.loc[0, ["event", "sex", "ethnicity", "disability", "uasc"]].tolist() == [
        "referral",
        "male",
        "AIND",
        "no",
        "no",
    ]
    # the same extract as parquet (its ids under their own name)
    pd.read_csv(_write(tmp_path, text), dtype=str).to_parquet(tmp_path / "extract.parquet", index=False)
    as_parquet = read_events(tmp_path / "extract.parquet", params)
    pd.testing.assert_frame_equal(as_parquet.drop(columns="_row"), df.drop(columns="_row"))
    assert as_parquet["child_id"].tolist() == ["P1"]
    with pytest.raises(InputError, match="column 'Nope'.*column_map"):
        read_events(_write(tmp_path, text), {"column_map": {"Nope": "child_id"}})


def test_age_at_event_instead_of_date_of_birth(tmp_path):
    text = "child_id,event,event_date,age_at_event,sex,ethnicity,disability,uasc\nA,referral,2026-05-01,7,female,WBRI,no,no\n"
    df = read_events(_write(tmp_path, text), {})
    assert df.loc[0, "age_at_event"] == 7
    with pytest.raises(InputError, match="18 or over"):
        read_events(_write(tmp_path, text.replace(",7,", ",18,")), {})


def test_refused_and_not_obtained_are_valid_codes(tmp_path):
    text = HEADER + GOOD.replace("WBRI", "REFU") + GOOD.replace("SECRET001", "B").replace("WBRI", "NOBT")
    assert set(read_events(_write(tmp_path, text), {})["ethnicity"]) == {"REFU", "NOBT"}


def test_prebirth_event_within_40_weeks_is_valid(tmp_path):
    # born 2026-06-01; an ICPC on 2026-01-01 is 151 days before birth (within 280)
    text = HEADER + "U1,icpc,2026-01-01,,2026-06-01,female,WBRI,no,no,\n"
    assert len(read_events(_write(tmp_path, text), {})) == 1


def test_events_after_the_period_are_quarantined_and_reported_not_dropped(tmp_path):
    text = HEADER + GOOD + GOOD.replace("2026-05-01", "2026-08-01").replace("SECRET001", "B")
    df = read_events(_write(tmp_path, text), {})
    prep = prepare_events(df, Period.parse("2026-27 Q1").end)
    assert len(prep.events) == 1
    assert prep.quarantine["place"].tolist() == ["row 3"]
    assert "after the period end (30 June 2026)" in prep.quarantine["reason"].iloc[0]


def test_population_crosswalk_merges_arab_into_ooth(tmp_path):
    text = (
        "ethnicity,sex,age_band,population,source,vintage\n"
        "Other ethnic group: Arab,female,5 to 9,10,ONS,2021\n"
        "Other ethnic group: Any other ethnic group,female,5 to 9,32,ONS,2021\n"
        "WBRI,male,under 1,100,ONS,2021\n"
        "White: Roma,male,under 1,7,ONS,2021\n"
    )
    pop = read_population(_write(tmp_path, text, "pop.csv"), {})
    got = {(r.ethnicity, r.sex, r.age_band): r.population for r in pop.itertuples()}
    assert got == {("OOTH", "female", "5 to 9"): 42, ("WBRI", "male", "under 1"): 100, ("WROM", "male", "under 1"): 7}


def test_population_problems(tmp_path):
    text = (
        "ethnicity,sex,age_band,population,source,vintage\n"
        "Martian,female,5 to 9,10,ONS,2021\n"
        "REFU,female,5 to 9,10,ONS,2021\n"
        "WBRI,unknown,5 to 9,1.5,ONS,2021\n"
        "WBRI,male,18 plus,-1,ONS,2021\n"
    )
    with pytest.raises(InputError) as err:
        read_population(_write(tmp_path, text, "pop.csv"), {})
    probs = [str(p) for p in err.value.problems]
    assert any("row 2" in p and "'Martian'" in p for p in probs)
    assert any("row 3" in p and "refused and not obtained have none" in p for p in probs)
    assert any("row 4" in p and "column 'sex'" in p for p in probs)
    assert any("row 4" in p and "column 'population'" in p for p in probs)
    assert any("row 5" in p and "column 'age_band'" in p for p in probs)


def test_aggregate_input(tmp_path):
    text = "stage,group_type,group,count\nreferral,all,All children,120\ncpp_start,sex,female,7\nnope,sex,male,x\n"
    with pytest.raises(InputError) as err:
        read_aggregate(_write(tmp_path, text, "agg.csv"), {})
    probs = [str(p) for p in err.value.problems]
    assert any("row 4" in p and "column 'stage'" in p for p in probs)
    assert any("row 4" in p and "column 'count'" in p for p in probs)
    ok = read_aggregate(_write(tmp_path, text.rsplit("nope", 1)[0], "agg2.csv"), {})
    assert ok["count"].tolist() == [120, 7]


def test_event_dates_follow_the_one_date_rule(tmp_path):
    """Day-first dates read as ISO ones (dates.parse_dates); a column in US order is refused whole."""
    iso = (
        "child_id,event,event_date,end_date,date_of_birth,sex,ethnicity,disability,uasc\n"
        "C1,referral,2026-07-01,,2015-03-02,female,WBRI,no,no\n"
        "C2,referral,2026-07-20,,2016-12-25,male,WBRI,no,no\n"
    )
    dmy = iso.replace("2026-07-01", "1/7/2026").replace("2026-07-20", "20/07/2026").replace("2016-12-25", "25/12/2016")
    a, b = read_events(_write(tmp_path, iso)), read_events(_write(tmp_path, dmy, "dmy.csv"))
    pd.testing.assert_frame_equal(a, b)
    us = iso.replace("2026-07-01", "07/01/2026").replace("2026-07-20", "07/20/2026")
    with pytest.raises(InputError) as ei:
        read_events(_write(tmp_path, us, "us.csv"))
    probs = [str(p) for p in ei.value.problems]
    assert [p for p in probs if "column 'event_date'" in p and "'07/01/2026'" in p]  # even its day-first-looking date
    assert [p for p in probs if "column 'event_date'" in p and "'07/20/2026'" in p]
