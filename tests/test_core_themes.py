"""Each core indicator is tagged with the priority themes its definition belongs to.

The expectation below is reasoned from the theme definitions in ``data/frameworks/priorities.yaml``
(each theme's ``outcome``), not copied from the catalogue:

- ``front_door`` ("the right help at the right time"): "families get early help when they first
  need it; referrals are timely and well-founded, assessments and child protection conferences
  happen within statutory timescales, and children are not re-referred". The route from contact and
  referral through assessment, section 47 enquiry (after a strategy discussion) to the initial
  child protection conference is this theme; so are early help and re-referrals.
- ``neglect``: "do not drift on plans that are not working" (tags: child protection plans, second
  plans, long plans, drift): the child protection plan measures.
- ``equity``: "no group ... drawn into, or kept in, the child protection and care systems for
  reasons other than need; we know who our children are" (tags: children in care, unaccompanied
  children): children looked after, children educated at home (children the partnership may not see).
- ``domestic_abuse``: Operation Encompass notifications; ``exploitation``: missing episodes and the
  exploitation panel.
- ``working_together`` is defined by Section 11 duties, information sharing between schools and
  agencies and learning acted on: no core indicator measures those, so none is tagged with it. A
  section 47 enquiry or a conference is multi-agency work, but the definition does not name it: it
  is named under ``front_door`` (statutory timescales of conferences).
"""

from __future__ import annotations

import yaml

from assurance_lib.config import project_root
from assurance_lib.core_dataset.catalogue import load_catalogue

CATALOGUE = project_root() / "data" / "frameworks" / "core_indicators.yaml"
PRIORITIES = project_root() / "data" / "frameworks" / "priorities.yaml"

# Stages of the route from the first contact to the initial conference (front door), by the words
# the definitions use; and the plan and care words of the other themes.
FRONT_DOOR_WORDS = ("contact", "referral", "assessment", "section 47", "conference", "early help")
PLAN_WORDS = ("plan",)

EXPECTED = {
    # indicator: (themes, why)
    "contacts_rate": ({"front_door"}, "contacts are the front door"),
    "referrals_rate": ({"front_door"}, "referrals"),
    "rereferrals": ({"front_door"}, "children not re-referred because the first response fell short"),
    "referral_nfa": ({"front_door"}, "referrals well-founded"),
    "assessments_45wd": ({"front_door"}, "assessments within statutory timescales"),
    "s47_rate": ({"front_door"}, "section 47 enquiries: the route from referral to conference"),
    "s47_to_icpc": ({"front_door"}, "enquiries leading to a conference: the same route"),
    "icpc_15wd": ({"front_door"}, "child protection conferences within statutory timescales"),
    "cpp_rate": ({"neglect"}, "children on child protection plans"),
    "cpp_second": ({"neglect"}, "second plans"),
    "cpp_two_years": ({"neglect"}, "long plans (drift)"),
    "cpp_ended_3m": ({"neglect"}, "plans that end quickly"),
    "cla_rate": ({"equity"}, "children in care (with unaccompanied children)"),
    "da_notifications": ({"domestic_abuse"}, "Operation Encompass"),
    "missing_episodes": ({"exploitation"}, "children missing from home"),
    "exploitation_referrals": ({"exploitation"}, "exploitation panel"),
    "early_help_assessments": ({"front_door"}, "early help when families first need it"),
    "elective_home_education": ({"equity"}, "we know who our children are"),
}


def test_every_indicator_has_the_themes_its_definition_belongs_to():
    cat = load_catalogue(CATALOGUE)
    assert {i.id for i in cat.indicators} == set(EXPECTED)
    wrong = {i.id: (set(i.themes), EXPECTED[i.id][0]) for i in cat.indicators if set(i.themes) != EXPECTED[i.id][0]}
    assert not wrong, wrong


def test_the_conference_timeliness_indicator_is_under_the_right_help_at_the_right_time():
    # the one the board's report ranked under "working together" before (issue noticed in stop 22)
    ind = load_catalogue(CATALOGUE).by_id("icpc_15wd")
    assert ind.themes == ("front_door",)
    outcome = yaml.safe_load(PRIORITIES.read_text(encoding="utf-8"))["priorities"]["front_door"]["outcome"]
    assert "child protection conferences happen within statutory timescales" in " ".join(outcome.split())


def test_a_second_rule_from_the_definitions_words_agrees():
    # Second method: the words of each indicator's numerator. An event-based indicator counting a
    # stage of the route up to the conference (and no plan) is front door and never working together.
    for i in load_catalogue(CATALOGUE).indicators:
        words = i.numerator.lower()
        on_route = any(w in words for w in FRONT_DOOR_WORDS) and not any(w in words for w in PLAN_WORDS)
        if on_route:
            assert "front_door" in i.themes, i.id
        assert "working_together" not in i.themes, i.id
