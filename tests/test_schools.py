"""Tests of the schools and colleges audit (assurance_lib.schools): the dip sample, the returns reader, compliance.

Expected values are worked out by hand (in the comments) or by a second method (a chi-square
goodness-of-fit test of the draw against the uniform distribution).
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pandas as pd
import pytest
from scipy import stats

from assurance_lib.errors import InputError
from assurance_lib.schools import compliance_by, draw, read_schools_returns
from assurance_lib.schools.dip import eligible, previous_years

ROOT = Path(__file__).resolve().parent.parent
URNS = [str(100000 + i) for i in range(1, 21)]  # 20 providers


def _history(rows: list[tuple[str, str]]) -> pd.DataFrame:
    return pd.DataFrame(
        {"year": [y for y, _ in rows], "urn": [u for _, u in rows], "seed": ["1"] * len(rows)}, dtype="string"
    )


def test_exclusion_covers_exactly_the_previous_three_years() -> None:
    assert previous_years("2026-27") == ["2025-26", "2024-25", "2023-24"]
    h = _history([("2022-23", URNS[0]), ("2023-24", URNS[1]), ("2025-26", URNS[2])])
    ok, excluded = eligible(URNS, h, "2026-27")
    # sampled in 2023-24 and 2025-26: excluded; 2022-23 is four years back: eligible again
    assert excluded["urn"].tolist() == [URNS[1], URNS[2]] and excluded["last_sampled"].tolist() == [
        "2023-24",
        "2025-26",
    ]
    assert URNS[0] in ok and len(ok) == 18


def test_draw_is_reproducible_and_a_recorded_year_is_not_drawn_again() -> None:
    empty = _history([])
    a, b = draw(URNS, empty, "2026-27", 6, seed=11), draw(URNS, empty, "2026-27", 6, seed=11)
    assert a.urns == b.urns and len(set(a.urns)) == 6 and not a.recorded
    h = _history([("2026-27", URNS[4]), ("2026-27", URNS[9])])
    again = draw(URNS, h, "2026-27", 6, seed=99)
    assert again.recorded and again.urns == (URNS[4], URNS[9])
    with pytest.raises(ValueError, match="only 2 providers are eligible"):
        draw(URNS[:5], _history([("2025-26", u) for u in URNS[:3]]), "2026-27", 5, seed=1)


def test_draw_is_uniform_over_the_eligible_providers() -> None:
    # 17 eligible (3 excluded), 5 drawn per seed, 1,700 seeds: each eligible provider is expected
    # 1,700 x 5 / 17 = 500 times. A chi-square goodness-of-fit test against that uniform expectation
    # (16 degrees of freedom) must not reject at the 0.1% level; the excluded never appear.
    h = _history([("2025-26", u) for u in URNS[:3]])
    counts = pd.Series(0, index=URNS[3:])
    for seed in range(1700):
        for u in draw(URNS, h, "2026-27", 5, seed=seed).urns:
            counts[u] += 1
    assert int(counts.sum()) == 8500 and set(counts.index) == set(URNS[3:])
    chi2 = stats.chisquare(counts.to_numpy(), f_exp=[500.0] * 17)
    assert chi2.pvalue > 0.001


def test_no_provider_is_sampled_twice_within_three_years() -> None:
    h = _history([])
    for year in range(2026, 2040):  # 14 annual draws of 5 of 20 (15 excluded, 5 eligible each year), each appended
        label = f"{year}-{(year + 1) % 100:02d}"  # to the history as the analyst would
        d = draw(URNS, h, label, 5, seed=year)
        h = pd.concat([h, _history([(label, u) for u in d.urns])], ignore_index=True)
    years = h.assign(start=h["year"].str[:4].astype(int)).groupby("urn")["start"].apply(sorted)
    for urn, starts in years.items():
        assert all(b - a > 3 for a, b in zip(starts, starts[1:])), (urn, starts)


def test_bad_schools_returns_are_refused_with_file_row_and_column(tmp_path: Path) -> None:
    shutil.copy(ROOT / "data" / "synthetic" / "schools_register.csv", tmp_path / "register.csv")
    shutil.copy(ROOT / "data" / "frameworks" / "schools_kcsie2024.yaml", tmp_path / "fw.yaml")
    shutil.copy(ROOT / "data" / "frameworks" / "scales_section11.yaml", tmp_path / "scales_section11.yaml")
    head = "cycle,urn,standard,self_rating,evidence,moderated_rating,moderation_outcome,moderation_note,action,action_owner,action_due\n"
    (tmp_path / "bad.csv").write_text(
        head + "2026-27,140100,KC01,Fully met,Seen,,,,,,\n"
        "2026-27,999999,KC01,Fully met,Seen,,,,,,\n"
        "2026-27,140100,KC02,Mostly met,Seen,,,,,,\n",
        encoding="utf-8",
    )
    params = {
        "schools_register_path": str(tmp_path / "register.csv"),
        "schools_framework_path": str(tmp_path / "fw.yaml"),
    }
    with pytest.raises(InputError) as err:
        read_schools_returns(tmp_path / "bad.csv", params)
    msg = str(err.value)
    assert "bad.csv, row 3, column 'urn': '999999' (expected a urn listed in the register" in msg
    assert "bad.csv, row 4, column 'self_rating': 'Mostly met'" in msg
    assert err.value.exit_code == 2 if hasattr(err.value, "exit_code") else True
    (tmp_path / "renamed.csv").write_text(head.replace("urn", "school"), encoding="utf-8")
    with pytest.raises(InputError, match="column 'urn'"):
        read_schools_returns(tmp_path / "renamed.csv", params)


def test_compliance_by_phase_counts_by_hand() -> None:
    s = pd.DataFrame(
        {
            "phase": ["Primary", "Primary", "Primary", "Special"],
            "type": ["maintained"] * 4,
            "trust": [pd.NA, "T1", "T1", pd.NA],
            "compliance": ["compliant", "not compliant", "not returned", "partly compliant"],
        }
    )
    by = compliance_by(s, "phase").set_index("group")
    # Primary: 3 schools, 2 returned, 1 compliant -> 1/2 = 0.5; Special: 1 returned, partly compliant -> 0.
    assert by.loc["Primary", ["schools", "returned", "compliant", "not_compliant"]].tolist() == [3, 2, 1, 1]
    assert by.loc["Primary", "share_compliant"] == 0.5 and by.loc["Special", "share_compliant"] == 0.0
    assert compliance_by(s, "trust").set_index("group").loc["not in a trust", "schools"] == 2


def test_synthetic_schools_audit_runs_on_the_section11_engine() -> None:
    from assurance_lib.schools import Settings, compute, load
    from assurance_lib.synthetic import schools as syn

    st = Settings(
        schools_framework_path=str(ROOT / "data/frameworks/schools_kcsie2024.yaml"),
        schools_register_path=str(ROOT / "data/synthetic/schools_register.csv"),
        schools_returns_path=str(ROOT / "data/synthetic/schools_returns.csv"),
        dip_history_path=str(ROOT / "data/synthetic/schools_dip_history.csv"),
        cycle="2026-27",
        dip_sample_size=6,
        dip_seed=2026,
    )
    res = compute(load(st), st, partnership="Test")
    panel = set(res.panel["school"])
    assert set(syn.PLANTED_NOT_RETURNED) | set(syn.PLANTED_NON_COMPLIANT) <= panel
    assert set(res.schools["type"]) == {"maintained", "academy", "independent", "FE"}
    hist = pd.read_csv(ROOT / "data/synthetic/schools_dip_history.csv", dtype=str)
    assert not set(res.dip.urns) & set(hist["urn"])  # every earlier sample is within the three years
    assert len(res.history) == len(hist) + 6
    with pytest.raises(InputError, match="dip_sample_size"):
        Settings(**{**{f: getattr(st, f) for f in st.__slots__}, "dip_sample_size": 12})


def test_school_letter_as_a_word_document() -> None:
    import io

    import docx

    from assurance_lib.schools import Settings, compute, load
    from assurance_lib.schools.present import school_letter_word

    st = Settings(
        schools_framework_path=str(ROOT / "data/frameworks/schools_kcsie2024.yaml"),
        schools_register_path=str(ROOT / "data/synthetic/schools_register.csv"),
        schools_returns_path=str(ROOT / "data/synthetic/schools_returns.csv"),
        dip_history_path=str(ROOT / "data/synthetic/schools_dip_history.csv"),
        cycle="2026-27",
        dip_sample_size=6,
        dip_seed=2026,
    )
    res = compute(load(st), st, partnership="Test")
    doc = docx.Document(io.BytesIO(school_letter_word(res, "140100", "Test")))
    heads = [(p.style.name, p.text) for p in doc.paragraphs if p.style.name.startswith("Heading")]
    assert heads == [("Heading 1", "Safeguarding audit feedback: Oakfield Primary Academy"), ("Heading 2", "Ratings")]
    # data/synthetic/schools_returns.csv, 2026-27, URN 140100: KC04 (online safety) and KC06 self-rated Partially
    # met, the other six Fully met, none moderated -> no standard not met, some partially met: partly compliant.
    bullets = [p.text for p in doc.paragraphs if p.style.name == "List Bullet"]
    assert "Compliance: partly compliant" in bullets and "Type: academy" in bullets
    rows = {r.cells[0].text: [c.text for c in r.cells] for r in doc.tables[0].rows[1:]}
    assert len(rows) == 8
    online = rows["Online safety, with appropriate filtering and monitoring reviewed at least annually"]
    assert (online[1], online[3]) == ("Partially met", "Partially met")
