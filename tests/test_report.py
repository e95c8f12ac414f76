"""The quarterly report's logic, on hand-built fixture packs (tests/test_report_fixtures.py).

Expected values are worked out by hand from the fixture's published values (FLAGS_Q1/Q2,
DISPRO_Q1/Q2, S11_Q1/Q2, AUDIT_Q1/Q2), never copied from the code's output.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from assurance_lib import readers, registry, report
from assurance_lib.config import DisclosureConfig
from assurance_lib.errors import InputError
from assurance_lib.tables import FLAG_COLUMNS

from test_report_fixtures import FLAGS_Q1, FLAGS_Q2, make_pack

ROOT = Path(__file__).resolve().parent.parent


def render_report_page(run_dir: Path, **params) -> Path:
    """Run notebook 06 into ``run_dir`` and render its scrutineer page (used by the browser test)."""
    from assurance_lib.pipeline import render_html

    from conftest import _run_notebook

    executed = _run_notebook("06_assurance_report", run_dir, **params)
    return render_html(executed, run_dir / "shareable" / "06_assurance_report.html", audience="shareable")


@pytest.fixture()
def packs(tmp_path: Path) -> tuple[report.PublishedPack, report.PublishedPack]:
    q1 = make_pack(tmp_path / "q1", "Q1")
    q2 = make_pack(tmp_path / "q2", "Q2")
    return report.read_pack(q2, registry.ANALYSES), report.read_pack(q1, registry.ANALYSES)


def _rows(d: dict[str, list[list[str]]]) -> list[tuple[str, ...]]:
    return [tuple(r) for a in ("disproportionality", "section11", "audits") for r in d[a]]


# ----------------------------------------------------------------------------- flags
def test_read_flags_is_the_union_of_every_flags_file(packs) -> None:
    cur, prev = packs
    assert [tuple(r) for r in cur.flags[list(FLAG_COLUMNS)].itertuples(index=False)] == _rows(FLAGS_Q2)
    assert [tuple(r) for r in prev.flags[list(FLAG_COLUMNS)].itertuples(index=False)] == _rows(FLAGS_Q1)
    assert cur.missing_flags == ()


def test_register_holds_exactly_the_flags_ordered_by_severity(packs) -> None:
    cur, prev = packs
    reg = report.flags_register(cur.flags, prev.flags)
    # nothing lost or invented: the same multiset of rows
    assert sorted(tuple(r) for r in reg[list(FLAG_COLUMNS)].itertuples(index=False)) == sorted(_rows(FLAGS_Q2))
    # by hand: high = dispro referral (1.96), audits voice ([c]); medium = dispro cpp; low = audits inadequate
    assert list(reg["severity"]) == ["high", "high", "medium", "low"]
    assert list(reg["ref"]) == ["H1", "H2", "M1", "L1"]
    assert list(reg["measure"]) == [
        "referral rate ratio",
        "child's voice recorded",
        "child protection plan rate ratio",
        "inadequate grades",
    ]
    # the referral flag and the inadequate-grade flag were raised in Q1 too
    assert list(reg["status"]) == ["continuing", "new", "new", "continuing"]


def test_register_without_previous_period_says_not_compared(packs) -> None:
    reg = report.flags_register(packs[0].flags)
    assert set(reg["status"]) == {"not compared"}


def test_compare_flags_new_resolved_and_escalated(packs) -> None:
    cur, prev = packs
    ch = report.compare_flags(cur.flags, prev.flags)
    got = {(r.change, r.analysis, r.measure) for r in ch.itertuples()}
    assert got == {
        ("new", "audits", "child's voice recorded"),
        ("new", "disproportionality", "child protection plan rate ratio"),
        ("resolved", "section11", "Leadership"),
    }
    # a severity change of the same flag is escalation, not new + resolved
    prev2 = prev.flags.copy()
    prev2.loc[prev2["analysis"].eq("disproportionality"), "severity"] = "medium"
    ch2 = report.compare_flags(cur.flags, prev2)
    esc = ch2[ch2["change"].eq("escalated")]
    assert list(esc["measure"]) == ["referral rate ratio"] and list(esc["previous_severity"]) == ["medium"]


def test_read_flags_refuses_a_malformed_flags_file(tmp_path: Path) -> None:
    pack = make_pack(tmp_path / "p")
    f = pack / "shareable" / "tables" / "flags_audits.csv"
    df = pd.read_csv(f, dtype=str, keep_default_na=False)
    df.loc[0, "severity"] = "urgent"
    df.to_csv(f, index=False)
    g = pack / "shareable" / "tables" / "flags_section11.csv"
    g.write_text("analysis,category\n")
    with pytest.raises(InputError) as e:
        report.read_flags(pack / "shareable", registry.ANALYSES)
    msg = str(e.value)
    assert "flags_audits.csv, row 2, column 'severity': 'urgent' (expected one of: high, medium, low)" in msg
    assert "flags_section11.csv, column 'subject': is missing" in msg


def test_missing_flags_file_is_reported(tmp_path: Path) -> None:
    pack = report.read_pack(make_pack(tmp_path / "p", analyses=("disproportionality", "audits")), registry.ANALYSES)
    assert pack.missing_flags == ("section11", "core_dataset", "learning")


# ----------------------------------------------------------------------------- numbers that moved
def test_compare_numbers_from_published_values_only(packs) -> None:
    cur, prev = packs
    ch, notes = report.compare_numbers(cur, prev, symbols=DisclosureConfig())
    got = {(r.table, r.key, r.measure): (r.previous, r.current, r.change, r.direction) for r in ch.itertuples()}
    assert got == {
        # dispro referral Black: 40 -> 46 children, 412.0 -> 474.2 per 10,000
        ("dispro_rates", "stage=referral; group=Black", "children"): ("40", "46", "+6", "up"),
        ("dispro_rates", "stage=referral; group=Black", "rate_per_10000"): ("412.0", "474.2", "+62.2", "up"),
        ("dispro_rates", "stage=referral; group=White", "children"): ("300", "290", "-10", "down"),
        ("dispro_rates", "stage=referral; group=White", "rate_per_10000"): ("250.0", "241.7", "-8.3", "down"),
        # suppressed in Q1: the change is suppressed too
        ("dispro_rates", "stage=cpp; group=Black", "children"): ("[c]", "12", "[c]", "not comparable"),
        ("dispro_rates", "stage=cpp; group=Black", "rate_per_10000"): ("[c]", "123.7", "[c]", "not comparable"),
        ("s11_ratings", "agency=Health; standard=Leadership", "rating"): ("2", "4", "+2", "up"),
        ("audit_grades", "grade=Good", "cases"): ("4", "6", "+2", "up"),
        ("audit_grades", "grade=Requires improvement", "cases"): ("5", "3", "-2", "down"),
    }
    assert notes == []


def test_rows_are_matched_across_periods_without_the_period_key(tmp_path: Path) -> None:
    import json

    packs = []
    for label, rows in (
        ("2026-27 Q1", [("referral", "40"), ("cpp", "9")]),
        ("2026-27 Q2", [("referral", "46"), ("cpp", "9")]),
    ):
        p = make_pack(tmp_path / label.replace(" ", "-"))
        t = p / "shareable" / "tables"
        (t / "grid.csv").write_text("period,stage,count\n" + "".join(f"{label},{s},{n}\n" for s, n in rows))
        idx = json.loads((t / "index.json").read_text())
        idx["tables"].append(
            {
                "name": "grid",
                "file": "grid.csv",
                "title": "g",
                "unit": "children",
                "rule": "children-counts",
                "source": "s",
                "keys": ["period", "stage"],
                "counts": ["count"],
            }
        )
        (t / "index.json").write_text(json.dumps(idx))
        packs.append(report.read_pack(p, registry.ANALYSES))
    ch, _ = report.compare_numbers(packs[1], packs[0], symbols=DisclosureConfig())
    g = ch[ch["table"].eq("grid")]
    # referral 40 -> 46; cpp unchanged, so not listed
    assert [tuple(r) for r in g[["key", "measure", "change", "direction"]].itertuples(index=False)] == [
        ("stage=referral", "count", "+6", "up")
    ]


def test_value_suppressed_this_period_gives_suppressed_change(packs) -> None:
    cur, prev = packs
    ch, _ = report.compare_numbers(prev, cur, symbols=DisclosureConfig())  # reversed: Q1 values are now "current"
    row = ch[(ch["key"] == "stage=cpp; group=Black") & (ch["measure"] == "children")].iloc[0]
    assert (row["previous"], row["current"], row["change"]) == ("12", "[c]", "[c]")


def test_report_tables_of_an_earlier_run_are_not_read_back(tmp_path: Path) -> None:
    pack = make_pack(tmp_path / "p")
    t = pack / "shareable" / "tables"
    (t / "report_oba.csv").write_text("area,value\nx,1\n")
    import json

    idx = json.loads((t / "index.json").read_text())
    idx["tables"].append(
        {
            "name": "report_oba",
            "file": "report_oba.csv",
            "title": "t",
            "unit": "children",
            "rule": "children-counts",
            "source": "s",
        }
    )
    (t / "index.json").write_text(json.dumps(idx))
    assert "report_oba" not in report.read_pack(pack, registry.ANALYSES).tables


def test_previous_pack_from_latest(tmp_path: Path) -> None:
    root = tmp_path / "outputs"
    pack, why = report.previous_pack_dir(root, "2026-27-Q1")
    assert pack is None and "no pack of the previous period (2026-27-Q1)" in why
    (root / "2026-27-Q1").mkdir(parents=True)
    (root / "2026-27-Q1" / "LATEST").write_text("20260701T050000Z\n")
    pack, why = report.previous_pack_dir(root, "2026-27-Q1")
    assert pack is None and "names a pack (20260701T050000Z) that is not there" in why
    make_pack(root / "2026-27-Q1" / "20260701T050000Z", "Q1")
    pack, why = report.previous_pack_dir(root, "2026-27-Q1")
    assert pack == root / "2026-27-Q1" / "20260701T050000Z"


@pytest.mark.parametrize("latest", ["../../etc", "/etc", "../2026-27-Q2/20260701T050000Z", "20260701T050000Z/../.."])
def test_previous_pack_refuses_a_latest_pointing_outside_outputs(tmp_path: Path, latest: str) -> None:
    """Issue 14: the previous pack is read only through a validated run id inside outputs/."""
    root = tmp_path / "outputs"
    make_pack(root / "2026-27-Q1" / "20260701T050000Z", "Q1")
    make_pack(root / "2026-27-Q2" / "20260701T050000Z", "Q1")
    (tmp_path / "etc" / "shareable").mkdir(parents=True)
    (root / "2026-27-Q1" / "LATEST").write_text(latest + "\n")
    pack, why = report.previous_pack_dir(root, "2026-27-Q1")
    assert pack is None and "does not hold a run id naming a pack inside the outputs folder" in why


def test_previous_pack_refuses_a_period_folder_linked_out_of_outputs(tmp_path: Path) -> None:
    root = tmp_path / "outputs"
    make_pack(tmp_path / "elsewhere" / "20260701T050000Z", "Q1")
    (tmp_path / "elsewhere" / "LATEST").write_text("20260701T050000Z\n")
    root.mkdir()
    (root / "2026-27-Q1").symlink_to(tmp_path / "elsewhere")
    pack, why = report.previous_pack_dir(root, "2026-27-Q1")
    assert pack is None


# ----------------------------------------------------------------------------- OBA
def test_oba_view_reads_published_cells_and_counts_flags(packs) -> None:
    cur, prev = packs
    spec = [
        {
            "area": "Journey",
            "question": "How much did we do?",
            "label": "Black children referred",
            "table": "dispro_rates",
            "where": {"stage": "referral", "group": "Black"},
            "column": "children",
        },
        {
            "area": "Journey",
            "question": "How much did we do?",
            "label": "Plans",
            "table": "dispro_rates",
            "where": {"stage": "cpp"},
            "column": "children",
        },
        {
            "area": "Audits",
            "question": "How well did we do it?",
            "label": "High audit flags",
            "flags": "audits",
            "severity": "high",
        },
        {"area": "Section 11", "question": "Is anyone better off?", "label": "Resolved", "resolved": "section11"},
        {"area": "Audits", "question": "How much did we do?", "label": "Missing", "table": "nope", "column": "x"},
        {
            "area": "Audits",
            "question": "How much did we do?",
            "label": "Cases",
            "table": "audit_grades",
            "column": "cases",
            "aggregate": "sum",
        },
        {
            "area": "Journey",
            "question": "How much did we do?",
            "label": "Referrals",
            "table": "dispro_rates",
            "where": {"stage": ["referral"]},
            "column": "children",
            "aggregate": "sum",
        },
        {
            "area": "Section 11",
            "question": "How much did we do?",
            "label": "Agencies",
            "table": "s11_ratings",
            "where": {"agency": ["Police", "Health", "Fire"]},
            "aggregate": "rows",
        },
    ]
    v = report.oba_view(cur, spec, report.compare_flags(cur.flags, prev.flags))
    # 46 from DISPRO_Q2; cpp matches two rows -> [x]; one high audit flag; one resolved Section 11 flag
    # audit cases 6 + 3 + 1 = 10; referrals 46 + 290 = 336; two agencies in the Section 11 table
    assert list(v["value"]) == ["46", "[x]", "1", "1", "[x]", "10", "336", "2"]
    q1 = report.oba_view(prev, spec[6:7] + [{**spec[6], "where": {"stage": "cpp"}}], None)
    assert list(q1["value"]) == ["340", "[c]"]  # Q1: 40 + 300; cpp Black suppressed -> sum suppressed
    assert v.loc[4, "note"] == "this table or column is not in the pack"
    assert report.oba_view(cur, spec[3:4], None).loc[0, "value"] == "[x]"


def test_oba_spec_file_is_checked(tmp_path: Path) -> None:
    f = tmp_path / "oba.yaml"
    f.write_text("- area: A\n  question: How much did we do?\n  label: x\n- area: B\n  label: y\n  table: t\n")
    with pytest.raises(InputError) as e:
        report.load_oba_spec(f)
    msg = str(e.value)
    assert "item 1: names no evidence" in msg and "item 2, key 'question'" in msg and "item 2, key 'column'" in msg


# ----------------------------------------------------------------------------- commentary
def test_commentary_markdown_by_section(tmp_path: Path) -> None:
    f = tmp_path / "c.md"
    f.write_text(
        "# Title\n\n<!-- guidance\nspanning lines -->\n## Is anyone better off?\nOur words.\n\nMore.\n"
        "## 7. next steps\nDo it.\n## Neglect\n\n"
    )
    c = report.read_commentary(f)
    assert list(c["section"]) == ["better_off", "next_steps"]
    assert c.loc[0, "text"] == "Our words.\n\nMore." and c.loc[1, "text"] == "Do it."
    assert list(c["_row"]) == [5, 9]


def test_commentary_problems_are_all_listed(tmp_path: Path) -> None:
    f = tmp_path / "c.md"
    f.write_text("Stray text.\n## What the data says\nx\n## Next steps\na\n## Next steps\nb\n")
    with pytest.raises(InputError) as e:
        report.read_commentary(f)
    msg = str(e.value)
    assert "3 problems" in msg
    assert "c.md, line 1: text before the first section heading" in msg
    assert (
        "c.md, line 2: 'What the data says' (expected a report section heading (one of: The five things the board must know;"
        in msg
    )
    assert (
        "c.md, line 6: 'Next steps' repeats the section first given (expected each section once (first at line 4))"
        in msg
    )


def test_commentary_yaml(tmp_path: Path) -> None:
    f = tmp_path / "c.yaml"
    f.write_text("Neglect: Our words.\nGaps in knowledge and how to fill them: Fill them.\n")
    c = report.read_commentary(f)
    assert dict(zip(c["section"], c["text"])) == {"neglect": "Our words.", "gaps": "Fill them."}
    f.write_text("bogus: x\nsummary: [1, 2]\n")
    with pytest.raises(InputError) as e:
        report.read_commentary(f)
    assert "key 'bogus': is not a report section" in str(e.value) and "key 'summary'" in str(e.value)


def test_committed_commentary_examples_are_valid() -> None:
    for slug in ("2026-27-Q1", "2026-27-Q2"):
        c = report.read_commentary(ROOT / "data" / "synthetic" / "commentary" / f"{slug}.md")
        assert len(c) >= 2


# ----------------------------------------------------------------------------- children's feedback
def test_children_feedback_summary(tmp_path: Path) -> None:
    f = tmp_path / "cf.csv"
    f.write_text(
        "activity,theme,sentiment,children\nForum,Feeling safe,Positive,7\nSurvey,Feeling safe,positive,5\n"
        "Forum,Feeling safe,negative,2\nForum,School,neutral,10\n"
    )
    df = report.read_children_feedback(f)
    s = report.summarise_children_feedback(df)
    # Feeling safe: 7 + 5 positive, 2 negative, 14 in all; School: 10 neutral
    assert [tuple(r) for r in s.itertuples(index=False)] == [
        ("Feeling safe", "All sentiments", 14),
        ("Feeling safe", "positive", 12),
        ("Feeling safe", "negative", 2),
        ("School", "All sentiments", 10),
        ("School", "neutral", 10),
    ]


def test_children_feedback_problems_are_all_listed(tmp_path: Path) -> None:
    f = tmp_path / "cf.csv"
    f.write_text("activity,theme,sentiment,children,comment\nForum,Safe,positive,3,she said\n")
    with pytest.raises(InputError) as e:
        report.read_children_feedback(f)
    assert (
        "column 'comment': is not part of the summary (expected only the columns activity, theme, sentiment, children"
        in str(e.value)
    )
    f.write_text(
        "activity,theme,sentiment,children\n"
        "Forum,I don't feel safe when my mum's boyfriend comes round at night,positive,3\n"
        "Forum,School,happy,3\n"
        "Forum,Online,negative,-1\n"
        "Forum,School,happy,2.5\n"
        "Forum,Home,positive,1\nForum,Home,Positive,2\n"
    )
    with pytest.raises(InputError) as e:
        report.read_children_feedback(f)
    msg = str(e.value)
    assert "cf.csv, row 2, column 'theme': is not a short label" in msg
    assert "I don't feel safe" not in msg  # free text is never echoed
    assert "row 3, column 'sentiment': 'happy' (expected one of: positive, mixed, neutral, negative)" in msg
    assert "row 4, column 'children': '-1' (expected a whole number of 0 or more)" in msg
    assert "row 5, column 'children': '2.5'" in msg
    # duplicates are checked once the values are valid
    f.write_text("activity,theme,sentiment,children\nForum,Home,positive,1\nForum,Home,Positive,2\n")
    with pytest.raises(InputError) as e:
        report.read_children_feedback(f)
    assert "row 3: repeats activity, theme and sentiment of row 2" in str(e.value)


def test_committed_synthetic_feedback_is_valid_and_regenerates_identically(tmp_path: Path) -> None:
    from assurance_lib.synthetic import DEFAULT_SEED, voice

    written = voice.generate(tmp_path, DEFAULT_SEED)
    for p in written:
        committed = ROOT / "data" / "synthetic" / p.name
        assert committed.read_bytes() == p.read_bytes()
        df = report.read_children_feedback(committed)
        assert set(df["sentiment"]) <= set(report.SENTIMENTS) and (df["children"] >= 0).all()


def test_contracts_register_for_notebook_04() -> None:
    names = {c.name: c for c in readers.contracts("06_assurance_report")}
    assert {"report_commentary", "children_feedback", "practitioner_survey_report"} <= set(names)
    assert all(c.optional for c in names.values())
    assert names["practitioner_survey_report"].identifier_columns == ("respondent",)
    assert names["children_feedback"].parameter == "children_feedback_path"


# ----------------------------------------------------------------------------- analyse, in process
def _ctx(run_dir: Path, **params):
    from assurance_lib.notebook import setup

    base = {
        "commentary_path": "",
        "children_feedback_path": "",
        "practitioner_survey_path": "",
        "oba_path": "",
        "previous_run_dir": "",
        "priorities_path": "data/frameworks/priorities.yaml",
        "top": 5,
    }
    return setup(
        "06_assurance_report", params_file="parameters/2026-27-Q2.yaml", run_dir=str(run_dir), **{**base, **params}
    )


def test_analyse_without_optional_inputs_lists_the_gaps(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ASSURANCE_OUTPUT_ROOT", str(tmp_path / "outputs"))
    pack = make_pack(tmp_path / "outputs" / "2026-27-Q2" / "r", analyses=("disproportionality", "audits"))
    rep = report.analyse(_ctx(pack))
    gaps = "\n".join(rep.gaps)
    assert "No findings from the Section 11 self-assessment in this pack. Owner: the partnership's analyst" in gaps
    assert "No summary of children's feedback from participation work this quarter. Owner:" in gaps
    assert "No practitioner survey this quarter. Owner: the Section 11 lead" in gaps
    assert "No comparison with 2026-27 Q1: no pack of the previous period (2026-27-Q1) was found" in gaps
    # the audits flag with a suppressed value: the published values too small to show are a gap, with an owner
    assert "1 published value was too small to show and is suppressed ([c])" in gaps
    for key, _ in report.SECTIONS:
        assert rep.commentary[key] == ""  # no commentary: nothing on the page
    assert "children" not in rep.tables and "flag_changes" not in rep.tables
    t = pack / "shareable" / "tables"
    assert (t / "report_flags_register.csv").is_file() and not (t / "report_flag_changes.csv").exists()
    assert len(rep.tables["register"]) == 4  # FLAGS_Q2: 2 disproportionality + 2 audits


def test_commentary_the_guard_cannot_clear_is_left_out_and_said(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ASSURANCE_OUTPUT_ROOT", str(tmp_path / "outputs"))
    pack = make_pack(tmp_path / "outputs" / "2026-27-Q2" / "r")
    c = tmp_path / "c.md"
    c.write_text("## Next steps\nCleared words.\n\n## gaps\nWords the guard withholds.\n")
    ctx = _ctx(pack, commentary_path=str(c))
    real_text = ctx.publish.text

    def guarded(name: str, md: str, *, free_text: bool = False) -> str:
        return "" if "withholds" in md else real_text(name, md, free_text=free_text)

    monkeypatch.setattr(ctx.publish, "text", guarded)
    rep = report.analyse(ctx)
    assert "> Cleared words." in rep.commentary["next_steps"]
    assert "in its own words" in rep.commentary["next_steps"]
    assert "could not be cleared by the redaction guard" in rep.commentary["gaps"]
    assert "withholds" not in rep.markdown


def test_show_and_show_table_render_accessible_html(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ASSURANCE_OUTPUT_ROOT", str(tmp_path / "outputs"))
    pack = make_pack(tmp_path / "outputs" / "2026-27-Q2" / "r")
    rep = report.analyse(_ctx(pack))
    html = report.show_table(rep, "register").to_html()
    assert "<caption>Flags register, 2026-27 Q2 (4 flags" in html
    assert html.count('class="col_heading') == 21  # ref, 11 flag columns, status, 8 the report adds
    assert ">Finding</th>" in html and ">statement</th>" not in html  # plain headings (display.COLUMN_LABELS)
    assert "no table this period" in report.show_table(rep, "children").data
    page = report.show_table(rep, "assurance").to_html()
    assert "<caption>Assurance level for each priority" in page and ">Proposed by the rules</th>" in page
    assert '<section class="assurance-appendix"><h2>Glossary</h2>' in report.show(rep, "glossary").data
    assert "@media print" in report.show(rep, "summary").data
    assert report.show_priorities(rep).data.count("<h3>") == 6
    with pytest.raises(KeyError):
        report.show(rep, "nonsense")


def test_flags_chart_counts_and_alt_text(packs) -> None:
    chart = report.flags_chart(packs[0].flags, "2026-27 Q2", registry.ANALYSES)
    # FLAGS_Q2 by hand: disproportionality 1 high + 1 medium; Section 11 none; audits 1 high + 1 low
    assert chart.alt == (
        "Bar chart of the number of flags raised this period by analysis and severity: "
        "Disproportionality 1 high, 1 medium, 0 low; Section 11 0 high, 0 medium, 0 low; "
        "Case audits 1 high, 0 medium, 1 low; Core dataset 0 high, 0 medium, 0 low; "
        "Learning and voice 0 high, 0 medium, 0 low."
    )
    got = {(r.analysis, r.severity): r.flags for r in chart.data.itertuples()}
    assert got[("Case audits", "low")] == 1 and got[("Section 11", "high")] == 0 and sum(got.values()) == 4


def test_oba_with_previous_values(packs) -> None:
    cur, prev = packs
    spec = [
        {
            "area": "J",
            "question": "How much did we do?",
            "label": "Black referrals",
            "table": "dispro_rates",
            "where": {"stage": "referral", "group": "Black"},
            "column": "children",
        },
        {
            "area": "J",
            "question": "How much did we do?",
            "label": "Black plans",
            "table": "dispro_rates",
            "where": {"stage": "cpp", "group": "Black"},
            "column": "children",
        },
        {"area": "S", "question": "Is anyone better off?", "label": "Resolved", "resolved": "section11"},
    ]
    v = report.oba_with_previous(
        report.oba_view(cur, spec, report.compare_flags(cur.flags, prev.flags)),
        report.oba_view(prev, spec, None),
        suppressed="[c]",
    )
    # 40 -> 46; [c] -> 12 is suppressed; "resolved" has no previous value
    assert [tuple(r) for r in v[["previous", "value", "change", "direction"]].itertuples(index=False)] == [
        ("40", "46", "+6", "up"),
        ("[c]", "12", "[c]", "not comparable"),
        ("[z]", "1", "[z]", "not applicable"),
    ]


def test_the_report_writes_the_runs_own_symbols(packs) -> None:
    """Symbols come from the run's DisclosureConfig, not from the report's code."""
    cur, _ = packs
    own = DisclosureConfig(not_available="n/a", not_applicable="-")
    spec = [
        {
            "area": "J",
            "question": "How much did we do?",
            "label": "Missing",
            "table": "no_such_table",
            "where": {},
            "column": "children",
        },
        {"area": "S", "question": "Is anyone better off?", "label": "Resolved", "resolved": "section11"},
    ]
    v = report.oba_view(cur, spec, None, symbols=own)
    assert list(v["value"]) == ["n/a", "n/a"]
    w = report.oba_with_previous(v, v, suppressed="[c]", not_available="n/a", not_applicable="-")
    assert list(w["change"]) == ["n/a", "-"]


def test_unreadable_previous_pack_gives_no_comparison_not_a_failure(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ASSURANCE_OUTPUT_ROOT", str(tmp_path / "outputs"))
    old = make_pack(tmp_path / "outputs" / "2026-27-Q1" / "20260701T050000Z", "Q1")
    (old / "shareable" / "tables" / "flags_audits.csv").write_text("analysis\naudits\n")
    (tmp_path / "outputs" / "2026-27-Q1" / "LATEST").write_text("20260701T050000Z\n")
    pack = make_pack(tmp_path / "outputs" / "2026-27-Q2" / "r2")
    rep = report.analyse(_ctx(pack))
    assert "flag_changes" not in rep.tables
    assert rep.comparison.startswith("the previous pack 20260701T050000Z could not be read (")
    assert "flags_audits.csv, column 'category': is missing" in rep.comparison


def test_a_missing_parameter_is_an_error_naming_it(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Notebook 06's defaults live once, in its parameters cell: a parameter left out is never filled in."""
    monkeypatch.setenv("ASSURANCE_OUTPUT_ROOT", str(tmp_path / "outputs"))
    pack = make_pack(tmp_path / "outputs" / "2026-27-Q2" / "r")
    ctx = _ctx(pack)
    del ctx.params["previous_run_dir"]
    with pytest.raises(InputError) as ei:
        report.analyse(ctx)
    assert "key 'notebooks.06_assurance_report': missing parameter previous_run_dir" in str(ei.value)
    assert not (pack / "shareable" / "tables" / "report_flags_register.csv").exists()  # nothing published


def test_the_four_steps_give_what_analyse_gives(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """read, compute, publish, write: the steps the notebook's one call runs, usable one by one."""
    monkeypatch.setenv("ASSURANCE_OUTPUT_ROOT", str(tmp_path / "outputs"))
    pack = make_pack(tmp_path / "outputs" / "2026-27-Q2" / "r")
    ctx = _ctx(pack)
    settings = report.Settings.from_params(ctx.params)
    assert settings.previous_run_dir is None and settings.commentary_path is None
    inputs = report.load(
        settings,
        run_dir=ctx.run_dir,
        output_root=ctx.config.output_root,
        period=ctx.config.period,
        analyses=ctx.analyses,
    )
    res = report.compute(inputs, settings, ctx.config.period, symbols=ctx.config.disclosure)
    # FLAGS_Q2 by hand: 4 flags (2 disproportionality, 2 audits); no previous pack, so no changes
    assert len(res.register) == 4 and res.flag_changes is None and res.number_changes is None
    rep = report.publish(ctx, inputs, res)
    assert rep.sections == {} and set(rep.tables) == {"register", "oba", "priorities", "assurance_levels"}
    report.write(ctx, inputs, res, rep)
    assert rep.sections["summary"].startswith("This quarter the analyses found 4 concerns and 0 strengths.")
    assert (pack / "shareable" / "text" / "assurance_report.md").read_text().count("## ") >= len(report.SECTIONS)


def test_optional_inputs_with_no_rows_are_gaps_not_failures(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Issue 14: children's feedback and the survey with a header only, and an empty commentary, are gaps."""
    monkeypatch.setenv("ASSURANCE_OUTPUT_ROOT", str(tmp_path / "outputs"))
    pack = make_pack(tmp_path / "outputs" / "2026-27-Q2" / "r")
    (tmp_path / "feedback.csv").write_text("activity,theme,sentiment,children\n")
    survey_header = Path("data/synthetic/practitioner_survey.csv").read_text(encoding="utf-8").splitlines()[0]
    (tmp_path / "survey.csv").write_text(survey_header + "\n")
    (tmp_path / "commentary.md").write_text("")
    rep = report.analyse(
        _ctx(
            pack,
            children_feedback_path=str(tmp_path / "feedback.csv"),
            practitioner_survey_path=str(tmp_path / "survey.csv"),
            commentary_path=str(tmp_path / "commentary.md"),
        )
    )
    assert "children" not in rep.tables and "practitioners" not in rep.tables
    assert any("No summary of children's feedback from participation work this quarter" in g for g in rep.gaps)
    assert rep.commentary["summary"] == ""
