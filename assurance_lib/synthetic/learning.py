"""Synthetic learning, voice and impact inputs of notebook 05_learning (issue 19).

Writes, deterministically from the seed:

- ``reviews_register.csv`` and ``review_recommendations.csv``: rapid reviews, practice reviews,
  national panel reports, inspections, the multi-agency audits (the ids of ``audit_register.csv``),
  Section 11 cycles and the schools audit, each with its recommendations or findings;
- ``action_ledger.csv``: the partnership's one action ledger (about a hundred actions a year across
  the sources), some completed late, some carried forward from 2024-25, a few asked again;
- ``voice_activities.csv``, ``voice_register.csv``: what children, parents and practitioners said,
  each activity's themes fitting its audience, quotes as people speak, most with consent;
- ``complaints_compliments.csv``, ``scrutineer_visits.csv``, ``survey_headcounts.csv`` (staff in
  scope of the practitioner survey, agency by agency) and ``training_evaluation.csv``.

No row carries an identifier: quotes say "my social worker", "the school nurse".
"""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path

import numpy as np

__all__ = ["generate", "EXTRACT_DATE"]

EXTRACT_DATE = dt.date(2026, 9, 30)
"""The ledger is exported at the end of 2026-27 Q2: nothing in it is dated later."""

D = dt.date.fromisoformat

PARTNERSHIP = "Northshire Safeguarding Children Partnership"
POLICE = "Northshire Police"
ICB = "Northshire Integrated Care Board"
ACUTE = "Northshire Acute Hospitals Trust"
COMMUNITY = "Northshire Community Health Trust"
MENTAL = "Northshire Mental Health Trust"
CSC = "Northshire Council Children's Social Care"
EDUCATION = "Northshire Council Education Services"
YJS = "Northshire Youth Justice Service"
PROBATION = "Probation Service Northshire"
HARBOUR = "Harbour Domestic Abuse Service"
GP = "Riverside GP Federation"
HOUSING = "Northshire Council Housing"

ROLES = {
    PARTNERSHIP: ("Partnership business manager", "Learning and development lead"),
    POLICE: ("Detective inspector, public protection", "Missing persons coordinator", "Detective sergeant, MASH"),
    ICB: ("Designated nurse for safeguarding children", "Designated doctor"),
    ACUTE: ("Named nurse for safeguarding children", "Named midwife"),
    COMMUNITY: ("Named nurse, health visiting", "School nursing team lead"),
    MENTAL: ("Named professional for safeguarding children",),
    CSC: ("Head of service, front door", "Service manager, child protection", "Principal social worker"),
    EDUCATION: ("Education safeguarding lead",),
    YJS: ("Head of youth justice",),
    PROBATION: ("Senior probation officer",),
    HARBOUR: ("Children and young people's service manager",),
    GP: ("Named GP for safeguarding",),
    HOUSING: ("Housing safeguarding lead",),
}

# review_id, kind, title, published, themes, agencies involved
REVIEWS = (
    (
        "OFS-2024-01",
        "inspection_ofsted",
        "Ofsted inspection of local authority children's services (ILACS)",
        "2024-11-22",
        "front_door;neglect",
        CSC,
    ),
    (
        "HMI-2025-01",
        "inspection_hmicfrs",
        "HMICFRS national child protection inspection of Northshire Police",
        "2025-03-12",
        "front_door;exploitation",
        POLICE,
    ),
    (
        "NP-2025-01",
        "national_panel",
        "National panel: multi-agency safeguarding and domestic abuse",
        "2025-04-09",
        "domestic_abuse",
        f"{POLICE};{CSC};{HARBOUR};{COMMUNITY}",
    ),
    (
        "RR-2025-01",
        "rapid_review",
        "Rapid review: serious injury to an infant under one",
        "2025-05-14",
        "neglect;front_door",
        f"{CSC};{COMMUNITY};{ACUTE};{POLICE}",
    ),
    (
        "CQC-2025-01",
        "inspection_cqc",
        "CQC inspection of maternity and children's services, Northshire Acute Hospitals",
        "2025-06-25",
        "front_door",
        ACUTE,
    ),
    (
        "AUD-2025-03",
        "audit",
        "Multi-agency audit: neglect (deep dive)",
        "2025-06-18",
        "neglect",
        f"{CSC};{COMMUNITY};{POLICE};{EDUCATION}",
    ),
    (
        "RR-2025-02",
        "rapid_review",
        "Rapid review: serious harm to a young person outside the home",
        "2025-08-06",
        "exploitation",
        f"{POLICE};{YJS};{CSC};{EDUCATION}",
    ),
    (
        "LLR-2025-01",
        "local_learning_review",
        "Local learning review: a young person repeatedly missing from care",
        "2025-09-17",
        "exploitation",
        f"{CSC};{POLICE};{MENTAL}",
    ),
    (
        "S11-2025-26",
        "section11",
        "Section 11 self-assessment 2025-26 (moderated)",
        "2025-09-30",
        "working_together",
        PARTNERSHIP,
    ),
    (
        "JTAI-2025-01",
        "inspection_jtai",
        "JTAI: the multi-agency response to children living with domestic abuse",
        "2025-10-29",
        "domestic_abuse;front_door",
        f"{CSC};{POLICE};{ICB};{EDUCATION};{PROBATION}",
    ),
    (
        "LCSPR-2025-01",
        "lcspr",
        "Local child safeguarding practice review: a sibling group living with neglect",
        "2025-11-26",
        "neglect;working_together",
        f"{CSC};{COMMUNITY};{EDUCATION};{GP};{HOUSING}",
    ),
    (
        "RR-2026-01",
        "rapid_review",
        "Rapid review: a baby with unexplained bruising",
        "2026-01-21",
        "front_door;neglect",
        f"{ACUTE};{COMMUNITY};{CSC};{GP}",
    ),
    (
        "SCH-2025-26",
        "schools",
        "Schools and colleges safeguarding audit 2025-26",
        "2026-02-11",
        "working_together",
        EDUCATION,
    ),
    (
        "NP-2026-01",
        "national_panel",
        "National panel: safeguarding children under one from male carers",
        "2026-03-04",
        "neglect;domestic_abuse",
        f"{COMMUNITY};{ACUTE};{PROBATION};{CSC}",
    ),
    (
        "AUD-2026-01",
        "audit",
        "Multi-agency audit: exploitation (deep dive)",
        "2026-05-20",
        "exploitation",
        f"{POLICE};{CSC};{YJS};{EDUCATION}",
    ),
    (
        "AUD-2026-02",
        "audit",
        "Multi-agency audit: pre-birth assessment (spotlight)",
        "2026-06-17",
        "front_door;neglect",
        f"{ACUTE};{COMMUNITY};{CSC}",
    ),
    (
        "LLR-2026-01",
        "local_learning_review",
        "Local learning review: a teenager known to many services",
        "2026-06-24",
        "exploitation;equity",
        f"{CSC};{EDUCATION};{MENTAL};{YJS}",
    ),
    (
        "AUD-2026-03",
        "audit",
        "Multi-agency re-audit: neglect (deep dive)",
        "2026-07-22",
        "neglect",
        f"{CSC};{COMMUNITY};{POLICE};{EDUCATION}",
    ),
    (
        "RR-2026-02",
        "rapid_review",
        "Rapid review: a child harmed in a household known for domestic abuse",
        "2026-08-12",
        "domestic_abuse",
        f"{POLICE};{HARBOUR};{CSC};{MENTAL}",
    ),
    (
        "AUD-2026-04",
        "audit",
        "Multi-agency audit: parental mental health (JTAI preparation)",
        "2026-09-09",
        "domestic_abuse;neglect",
        f"{MENTAL};{CSC};{GP}",
    ),
    (
        "S11-2026-27",
        "section11",
        "Section 11 self-assessment 2026-27 (moderated)",
        "2026-09-16",
        "working_together",
        PARTNERSHIP,
    ),
)

# recommendation text, themes, owner agency, then its actions (owner agency, action text)
RECS: dict[str, tuple[tuple[str, str, str, tuple[tuple[str, str], ...]], ...]] = {
    "OFS-2024-01": (
        (
            "Improve the timeliness and quality of decisions at the front door.",
            "front_door",
            CSC,
            (
                (
                    CSC,
                    "Bring MASH threshold decisions within one working day, with a manager's rationale on every contact.",
                ),
                (
                    PARTNERSHIP,
                    "Refresh the threshold document with partners and relaunch it at the practitioner forum.",
                ),
            ),
        ),
        (
            "Make sure plans for children living with neglect lead to change within the child's timescale.",
            "neglect",
            CSC,
            (
                (
                    CSC,
                    "Introduce a twelve-week review of every child protection plan for neglect with a head of service.",
                ),
            ),
        ),
    ),
    "HMI-2025-01": (
        (
            "Officers should record the voice of the child at every domestic abuse incident.",
            "domestic_abuse;front_door",
            POLICE,
            (
                (
                    POLICE,
                    "Add a mandatory 'what the child said and how they looked' field to the domestic abuse risk form.",
                ),
                (
                    POLICE,
                    "Dip-sample twenty domestic abuse incidents a month for the child's voice and feed back to teams.",
                ),
            ),
        ),
        (
            "Improve the quality of police referrals to children's social care.",
            "front_door",
            POLICE,
            ((POLICE, "Quality-assure referrals from the public protection notice queue before they reach the MASH."),),
        ),
    ),
    "NP-2025-01": (
        (
            "Agencies should see children as victims of domestic abuse in their own right.",
            "domestic_abuse",
            PARTNERSHIP,
            (
                (HARBOUR, "Offer every child in a household referred to the service an assessment of their own needs."),
                (COMMUNITY, "Ask about domestic abuse at every health visiting contact when the mother is seen alone."),
                (
                    PARTNERSHIP,
                    "Run a multi-agency briefing on the panel's domestic abuse findings for frontline staff.",
                ),
            ),
        ),
        (
            "Notifications of domestic abuse incidents should reach schools before the next school day.",
            "domestic_abuse",
            POLICE,
            (
                (
                    POLICE,
                    "Notify children's social care of every domestic abuse incident where a child is present within 24 hours.",
                ),
                (EDUCATION, "Extend Operation Encompass to nurseries and further education colleges."),
            ),
        ),
    ),
    "RR-2025-01": (
        (
            "Every pre-birth and new birth contact should include the fathers and male carers in the household.",
            "neglect;front_door",
            COMMUNITY,
            (
                (COMMUNITY, "Record the name and role of every man living in the household at the new birth visit."),
                (ACUTE, "Invite fathers to the maternity safeguarding discussion and record when they decline."),
            ),
        ),
        (
            "Bruising in a non-mobile baby should always lead to a strategy discussion.",
            "front_door;neglect",
            ICB,
            (
                (
                    ICB,
                    "Launch the bruising in non-mobile babies protocol across primary care, urgent care and the hospital.",
                ),
                (GP, "Audit GP practice records for adherence to the bruising protocol six months after launch."),
            ),
        ),
        (
            "Health and social care should share information about a family's history at the first referral.",
            "front_door;working_together",
            CSC,
            ((CSC, "Ask the health team in the MASH for a full health history on every referral about a baby."),),
        ),
    ),
    "CQC-2025-01": (
        (
            "The hospital should make sure safeguarding supervision reaches every maternity and paediatric nurse.",
            "working_together",
            ACUTE,
            (
                (
                    ACUTE,
                    "Offer group safeguarding supervision every quarter to all maternity and paediatric nursing staff.",
                ),
                (
                    ACUTE,
                    "Report safeguarding supervision uptake by ward to the trust safeguarding committee each quarter.",
                ),
            ),
        ),
    ),
    "AUD-2025-03": (
        (
            "Assessments of neglect should use the graded care profile.",
            "neglect",
            CSC,
            (
                (CSC, "Introduce the graded care profile in all neglect assessments."),
                (COMMUNITY, "Train health visitors to complete the graded care profile with families."),
            ),
        ),
        (
            "Schools should be invited to every core group for children on a plan for neglect.",
            "neglect;working_together",
            EDUCATION,
            ((EDUCATION, "Remind designated safeguarding leads of their role in core groups and track attendance."),),
        ),
    ),
    "RR-2025-02": (
        (
            "Children who go missing should be offered a return home interview within 72 hours.",
            "exploitation",
            CSC,
            (
                (CSC, "Commission the return home interview service to offer every interview within 72 hours."),
                (
                    POLICE,
                    "Pass every missing episode to the return home interview service on the day the child is found.",
                ),
            ),
        ),
        (
            "Agencies should map the places and peer groups of children at risk of exploitation.",
            "exploitation",
            PARTNERSHIP,
            (
                (PARTNERSHIP, "Set up a monthly multi-agency meeting to map places and peer groups of concern."),
                (YJS, "Share youth justice intelligence on peer associations with the exploitation meeting."),
            ),
        ),
        (
            "Schools should share concerns about exclusion and part-time timetables with the exploitation team.",
            "exploitation;equity",
            EDUCATION,
            ((EDUCATION, "Report every child on a part-time timetable to the exploitation team each half-term."),),
        ),
    ),
    "LLR-2025-01": (
        (
            "Plans for children missing from care should name who the child trusts.",
            "exploitation",
            CSC,
            ((CSC, "Add 'the adult I trust' to the missing from care plan and review it at every return interview."),),
        ),
        (
            "Mental health services should be part of the strategy discussion for a child who goes missing repeatedly.",
            "exploitation;working_together",
            MENTAL,
            (
                (
                    MENTAL,
                    "Name a duty clinician who joins strategy discussions about children who go missing repeatedly.",
                ),
            ),
        ),
    ),
    "S11-2025-26": (
        (
            "Safeguarding supervision is not yet offered to all frontline staff (standard 9).",
            "working_together",
            PARTNERSHIP,
            (
                (
                    POLICE,
                    "Offer safeguarding supervision to every officer in the public protection unit every quarter.",
                ),
                (GP, "Set up quarterly safeguarding peer supervision for GP practice leads."),
                (HOUSING, "Give housing officers access to safeguarding supervision through the children's team."),
            ),
        ),
        (
            "Staff do not all know how to escalate a concern about another agency (standard 5).",
            "working_together;front_door",
            PARTNERSHIP,
            (
                (PARTNERSHIP, "Relaunch the escalation policy with a one-page flowchart for practitioners."),
                (ACUTE, "Include the escalation policy in the trust's level 3 safeguarding training."),
                (YJS, "Brief youth justice workers on the escalation policy at the team meeting."),
            ),
        ),
        (
            "Safer recruitment checks are not recorded consistently (standard 7).",
            "working_together",
            PARTNERSHIP,
            (
                (HOUSING, "Audit personnel files for safer recruitment checks and close the gaps found."),
                (PROBATION, "Add safer recruitment checks to the probation service's onboarding checklist."),
            ),
        ),
    ),
    "JTAI-2025-01": (
        (
            "Partners should make sure children's social care is told promptly when a child is present at domestic abuse.",
            "domestic_abuse;front_door",
            POLICE,
            (
                (
                    POLICE,
                    "Make sure children's social care is notified within 24 hours of every domestic abuse incident where a child is present.",
                ),
                (CSC, "Screen every domestic abuse notification in the MASH within one working day."),
            ),
        ),
        (
            "Work with perpetrators should be joined up with the plan for the child.",
            "domestic_abuse",
            PROBATION,
            (
                (PROBATION, "Share the risk management plan of every perpetrator with the child's social worker."),
                (HARBOUR, "Start a perpetrator programme referral route from child protection conferences."),
            ),
        ),
        (
            "Health practitioners should ask about domestic abuse routinely.",
            "domestic_abuse",
            ICB,
            (
                (ICB, "Commission routine enquiry training on domestic abuse for primary care staff."),
                (GP, "Add a domestic abuse routine enquiry prompt to the GP record system."),
            ),
        ),
    ),
    "LCSPR-2025-01": (
        (
            "Agencies should recognise when neglect is long-standing and escalate drift.",
            "neglect",
            PARTNERSHIP,
            (
                (PARTNERSHIP, "Publish a neglect strategy with a shared definition of drift and when to escalate it."),
                (CSC, "Review every child protection plan for neglect that has lasted over 18 months."),
            ),
        ),
        (
            "Housing should be part of planning for families in poor conditions.",
            "neglect;working_together",
            HOUSING,
            ((HOUSING, "Send a housing officer to core groups where home conditions are part of the plan."),),
        ),
        (
            "GPs should know which children on their list are on a child protection plan.",
            "neglect;working_together",
            GP,
            (
                (GP, "Flag children on a child protection plan on the GP record and review the flags each quarter."),
                (CSC, "Send conference invitations and minutes to the child's GP practice."),
            ),
        ),
        (
            "Schools should record and share attendance concerns for siblings together.",
            "neglect",
            EDUCATION,
            ((EDUCATION, "Add a sibling link to the attendance system so concerns about siblings are seen together."),),
        ),
    ),
    "RR-2026-01": (
        (
            "The bruising protocol should reach every practitioner who sees babies.",
            "front_door;neglect",
            ICB,
            (
                (ICB, "Relaunch the bruising in non-mobile babies protocol with a short film for primary care."),
                (ACUTE, "Add the bruising protocol to the emergency department induction for doctors and nurses."),
            ),
        ),
        (
            "Health visitors should see babies at home before discharge from health visiting.",
            "neglect",
            COMMUNITY,
            (
                (
                    COMMUNITY,
                    "See every baby at home at the six to eight week review where there are known vulnerabilities.",
                ),
            ),
        ),
    ),
    "SCH-2025-26": (
        (
            "Some schools have not updated their child protection policy for KCSIE.",
            "working_together",
            EDUCATION,
            ((EDUCATION, "Send a model child protection policy to schools and check every school has adopted it."),),
        ),
        (
            "Designated safeguarding lead training is out of date in a number of schools.",
            "working_together",
            EDUCATION,
            (
                (
                    EDUCATION,
                    "Offer refresher training to every designated safeguarding lead whose training is over two years old.",
                ),
            ),
        ),
    ),
    "NP-2026-01": (
        (
            "Practitioners should assess the risk from every man living with or visiting a baby.",
            "neglect;domestic_abuse",
            PARTNERSHIP,
            (
                (PROBATION, "Tell the health visiting service when a man under supervision lives with a baby."),
                (COMMUNITY, "Ask about every man in the household at the antenatal contact and record what is known."),
                (PARTNERSHIP, "Run a learning event on the panel's report about men in the lives of babies."),
            ),
        ),
    ),
    "AUD-2026-01": (
        (
            "Return home interviews should be offered on time and their learning shared.",
            "exploitation",
            CSC,
            (
                (
                    CSC,
                    "Offer every child a return home interview within 72 hours and share what they say with the police.",
                ),
                (POLICE, "Record the return home interview outcome on the missing person record."),
            ),
        ),
        (
            "Exploitation screening should be used by every agency.",
            "exploitation",
            PARTNERSHIP,
            (
                (PARTNERSHIP, "Launch one exploitation screening tool for every agency."),
                (EDUCATION, "Train designated safeguarding leads to use the exploitation screening tool."),
            ),
        ),
    ),
    "AUD-2026-02": (
        (
            "Pre-birth assessments should start by 20 weeks of pregnancy.",
            "front_door;neglect",
            CSC,
            (
                (CSC, "Start every pre-birth assessment by 20 weeks and track the date in the MASH."),
                (
                    ACUTE,
                    "Refer to children's social care at the booking appointment when the pre-birth criteria are met.",
                ),
            ),
        ),
    ),
    "LLR-2026-01": (
        (
            "Agencies should consider how racism and adultification shape the way a young person is seen.",
            "exploitation;equity",
            PARTNERSHIP,
            (
                (PARTNERSHIP, "Commission training on adultification bias for police, youth justice and schools."),
                (POLICE, "Review the use of stop and search with children against the exploitation plan."),
            ),
        ),
        (
            "Mental health support should follow the young person when they move between services.",
            "exploitation;working_together",
            MENTAL,
            (
                (
                    MENTAL,
                    "Keep a named worker for a young person when they move from child to adult mental health services.",
                ),
            ),
        ),
    ),
    "AUD-2026-03": (
        (
            "Plans for neglect still drift when a family's engagement is partial.",
            "neglect",
            CSC,
            ((CSC, "Review every child protection plan for neglect that has lasted more than 18 months."),),
        ),
    ),
    "RR-2026-02": (
        (
            "Agencies should share what they know about a perpetrator's history with the child's plan.",
            "domestic_abuse",
            POLICE,
            (
                (
                    POLICE,
                    "Disclose perpetrator history to the child protection conference in every domestic abuse case.",
                ),
                (HARBOUR, "Attend every child protection conference where the service supports the victim."),
            ),
        ),
    ),
    "AUD-2026-04": (
        (
            "Adult mental health services should think about the children of the adults they treat.",
            "domestic_abuse;neglect",
            MENTAL,
            (
                (MENTAL, "Ask every adult patient about the children they care for at the first assessment."),
                (GP, "Flag parents with severe mental illness whose children are on a plan."),
            ),
        ),
    ),
    "S11-2026-27": (
        (
            "Training on the voice of the child is not reaching every agency (standard 3).",
            "working_together",
            PARTNERSHIP,
            (
                (PARTNERSHIP, "Offer the voice of the child workshop to every agency twice a year."),
                (POLICE, "Give safeguarding supervision to every officer in the public protection unit each quarter."),
            ),
        ),
    ),
}

# Actions from voice: the voice theme they answer, owner and text
VOICE_ACTIONS = (
    (
        "worker_changes",
        CSC,
        "Tell every child in writing, with a photo, who their new social worker is before they change.",
    ),
    ("worker_changes", CSC, "Keep the same social worker for a child through a court case where the service can."),
    (
        "being_listened_to",
        PARTNERSHIP,
        "Ask the young scrutineers to review how child protection conferences hear children.",
    ),
    ("safe_online", EDUCATION, "Run online safety sessions for parents in every secondary school."),
    ("safe_outside_home", POLICE, "Walk the routes young people named as unsafe with the community safety team."),
    ("meetings_and_plans", CSC, "Write the child's plan in words the child can read and give them a copy."),
    (
        "early_help_access",
        PARTNERSHIP,
        "Publish one early help phone line and web form for families and practitioners.",
    ),
    ("information_sharing", PARTNERSHIP, "Publish a one-page guide to sharing information without consent."),
    ("supervision_and_workload", CSC, "Cap caseloads in the assessment teams at 20 children per social worker."),
)

# Actions whose impact the partnership has evidence of: action text -> (grade, the re-audit that shows a
# practice change (the first later audit when empty) or the indicator that shows an outcome (an id of the core
# dataset's catalogue, data/frameworks/core_indicators.yaml), what changed)
IMPACT = {
    "Bring MASH threshold decisions within one working day, with a manager's rationale on every contact.": (
        "practice change",
        "AUD-2026-02",
        "The audit found a manager's reasons on every contact it looked at, and no family waited over a day for a "
        "decision.",
    ),
    "Add a mandatory 'what the child said and how they looked' field to the domestic abuse risk form.": (
        "practice change",
        "AUD-2026-04",
        "Police records in the audit described how the children looked and what they said.",
    ),
    "Offer every child in a household referred to the service an assessment of their own needs.": (
        "practice change",
        "AUD-2026-04",
        "Children in households referred to the service now have their own worker and plan.",
    ),
    "Notify children's social care of every domestic abuse incident where a child is present within 24 hours.": (
        "practice change",
        "AUD-2026-04",
        "The re-audit found the school told before the next school day of every incident it looked at where a "
        "child was present.",
    ),
    "Record the name and role of every man living in the household at the new birth visit.": (
        "practice change",
        "AUD-2026-02",
        "The pre-birth audit found fathers and other men in the household named and assessed in most cases.",
    ),
    "Launch the bruising in non-mobile babies protocol across primary care, urgent care and the hospital.": (
        "practice change",
        "AUD-2026-02",
        "Every bruised non-mobile baby in the audit sample had a strategy discussion.",
    ),
    "Introduce the graded care profile in all neglect assessments.": (
        "practice change",
        "AUD-2026-03",
        "The neglect re-audit found the graded care profile in most assessments, with plans that said what had to "
        "change.",
    ),
    "Commission the return home interview service to offer every interview within 72 hours.": (
        "outcome for children",
        "missing_episodes",
        "Fewer missing episodes were reported once children were offered a return home interview within three days.",
    ),
    "Set up a monthly multi-agency meeting to map places and peer groups of concern.": (
        "practice change",
        "AUD-2026-01",
        "The exploitation audit found plans that named places and peer groups, not only the child.",
    ),
    "Review every child protection plan for neglect that has lasted over 18 months.": (
        "outcome for children",
        "cp_plans_2_years",
        "Fewer children have been on a child protection plan for neglect for more than two years.",
    ),
    "Flag children on a child protection plan on the GP record and review the flags each quarter.": (
        "practice change",
        "AUD-2026-03",
        "GP records in the re-audit showed the child's plan and the practice's part in it.",
    ),
    "Screen every domestic abuse notification in the MASH within one working day.": (
        "practice change",
        "AUD-2026-04",
        "Domestic abuse notifications were screened the next working day in every case the audit looked at.",
    ),
    "Offer group safeguarding supervision every quarter to all maternity and paediatric nursing staff.": (
        "practice change",
        "AUD-2026-02",
        "Supervision notes of maternity staff in the pre-birth audit showed reflective discussion about the baby.",
    ),
}

# Actions once graded "outcome for children" on an indicator the core dataset does not have (Operation
# Encompass notifications reaching the school before the next school day): now a practice change shown by
# the re-audit. Their random draw is kept so that every other action of the ledger is unchanged.
REGRADED = frozenset(
    {"Notify children's social care of every domestic abuse incident where a child is present within 24 hours."}
)

# ----------------------------------------------------------------------------- voice
# activity_id, activity, kind, audience, held, participants, voice themes
ACTIVITIES = (
    (
        "VA-01",
        "Children in care council, spring meeting",
        "forum",
        "children in care",
        "2025-04-23",
        11,
        "worker_changes;being_listened_to;meetings_and_plans",
    ),
    (
        "VA-02",
        "Secondary schools pupil survey 2025",
        "survey",
        "pupils",
        "2025-06-12",
        1184,
        "safe_online;safe_outside_home;help_at_home;being_treated_fairly",
    ),
    (
        "VA-03",
        "Parents' focus group on early help",
        "focus group",
        "parents and carers",
        "2025-07-09",
        8,
        "early_help_access;meetings_and_plans;being_listened_to",
    ),
    (
        "VA-04",
        "Practitioner forum: the front door",
        "forum",
        "practitioners",
        "2025-10-15",
        46,
        "information_sharing;escalation;supervision_and_workload",
    ),
    (
        "VA-05",
        "Advocacy feedback from child protection conferences",
        "advocacy",
        "children with a social worker",
        "2025-11-30",
        23,
        "being_listened_to;meetings_and_plans;worker_changes",
    ),
    (
        "VA-06",
        "Youth forum: feeling safe in the town centre",
        "forum",
        "young people",
        "2026-01-28",
        17,
        "safe_outside_home;being_treated_fairly;safe_online",
    ),
    (
        "VA-07",
        "Children in care council, winter meeting",
        "forum",
        "children in care",
        "2026-02-18",
        9,
        "worker_changes;being_listened_to;safe_online",
    ),
    (
        "VA-08",
        "Young scrutineers' conversations after visits",
        "scrutineer visit",
        "young people",
        "2026-05-13",
        7,
        "being_listened_to;being_treated_fairly",
    ),
    (
        "VA-09",
        "Secondary schools pupil survey 2026",
        "survey",
        "pupils",
        "2026-06-17",
        1262,
        "safe_online;safe_outside_home;help_at_home;being_treated_fairly",
    ),
    (
        "VA-10",
        "Practitioner forum: neglect and drift",
        "forum",
        "practitioners",
        "2026-07-08",
        52,
        "information_sharing;supervision_and_workload;escalation",
    ),
    (
        "VA-11",
        "Parents' feedback after child protection conferences",
        "survey",
        "parents and carers",
        "2026-08-05",
        31,
        "meetings_and_plans;being_listened_to;worker_changes",
    ),
    (
        "VA-12",
        "Advocacy feedback from children on plans",
        "advocacy",
        "children with a social worker",
        "2026-09-02",
        19,
        "worker_changes;meetings_and_plans;help_at_home",
    ),
)

SPEAKERS = {
    "children in care": ("child", "young person"),
    "pupils": ("child", "young person"),
    "young people": ("young person",),
    "children with a social worker": ("child", "young person"),
    "parents and carers": ("parent", "carer"),
    "practitioners": ("practitioner",),
}

# voice theme -> quotes as people say them
QUOTES = {
    "worker_changes": (
        "I've had four social workers since Christmas. I stopped telling them stuff because they just leave.",
        "Every time I get used to someone they go and I have to say it all again.",
        "My new social worker came with my old one first, which was better than just a letter.",
        "Nobody told me she'd left. I found out when a different lady turned up.",
        "We've had three workers in a year and each one wanted to start from the beginning.",
    ),
    "being_listened_to": (
        "My social worker actually wrote down what I said and read it back to me.",
        "In the meeting they talked about me like I wasn't there.",
        "The advocate helped me say I didn't want contact on Saturdays and they changed it.",
        "I said the same thing three times and nothing happened.",
        "She always asks me what I think first, before mum and dad.",
        "They listen, but then the adults decide anyway.",
    ),
    "meetings_and_plans": (
        "The plan had words I didn't understand so I just said yes.",
        "I liked that I got my own copy of the plan with pictures.",
        "The conference was really scary, there were so many people.",
        "We didn't get the minutes till after the next meeting, so we couldn't check anything.",
        "It was the first time anyone explained what a core group actually was.",
    ),
    "safe_online": (
        "People send stuff in group chats and you can't get out of them.",
        "I don't tell my mum about things online because she'd take my phone.",
        "The talk at school about nudes was actually useful, not cringe.",
        "Someone I didn't know kept messaging me and I didn't know who to tell.",
    ),
    "safe_outside_home": (
        "I don't go past the park after dark, there's older boys there.",
        "The bus station is fine in the day but not at night.",
        "Police stopped me and my mates twice in one week and we hadn't done anything.",
        "There's nowhere to go so people just hang round the shops.",
    ),
    "help_at_home": (
        "The school nurse was the first person I told about home.",
        "I didn't know you could talk to someone at school about your parents arguing.",
        "When it got bad at home my teacher noticed before I said anything.",
    ),
    "early_help_access": (
        "I asked for help twice before anyone came, by then things had got a lot worse.",
        "The family support worker was brilliant, I just wish we'd had her a year earlier.",
        "I didn't know early help existed until the health visitor mentioned it.",
    ),
    "being_treated_fairly": (
        "Some teachers treat you like you're older and already in trouble.",
        "They asked me what I wanted to be called and used it, which mattered.",
        "It feels like they see where you live before they see you.",
    ),
    "information_sharing": (
        "I still don't know what I'm allowed to share with the GP without consent.",
        "The MASH feedback now tells us what happened to the referral, that's new and it helps.",
        "We get told about domestic incidents days later, by which point the child's been in school all week.",
        "I rang three numbers to find out who the child's social worker was.",
    ),
    "supervision_and_workload": (
        "Supervision is mostly case tasks, there's no time to think about the child.",
        "Group supervision has been really good for talking through the stuck cases.",
        "My caseload is over thirty and I can't see children as often as I should.",
    ),
    "escalation": (
        "I escalated once and it worked, but I had to chase it myself for two weeks.",
        "I wasn't sure if I was allowed to challenge a social care decision as a nurse.",
        "The flowchart made it clear who to go to next.",
    ),
}

COMPLAINT_AGENCIES = (CSC, POLICE, ACUTE, COMMUNITY, EDUCATION, MENTAL, HOUSING)
COMPLAINT_THEMES = {
    CSC: ("worker_changes", "meetings_and_plans", "being_listened_to", "early_help_access"),
    POLICE: ("safe_outside_home", "being_treated_fairly", "being_listened_to"),
    ACUTE: ("being_listened_to", "meetings_and_plans"),
    COMMUNITY: ("early_help_access", "being_listened_to"),
    EDUCATION: ("being_treated_fairly", "help_at_home"),
    MENTAL: ("being_listened_to", "early_help_access"),
    HOUSING: ("help_at_home", "being_listened_to"),
}

# visit id, date, agency, service, visited by, stars (welcome, listening, information, safety),
# what went well, even better if, agency response, response date
VISITS = (
    (
        "SV-01",
        "2025-10-08",
        POLICE,
        "Custody suite (children's area)",
        "young scrutineers",
        (3, 2, 2, 4),
        "The officer explained what would happen next and checked we understood.",
        "The waiting area has nothing for young people and the posters are all for adults.",
        "We have ordered new information leaflets written with the youth forum and will refresh the waiting area by March.",
        "2025-11-19",
    ),
    (
        "SV-02",
        "2025-12-03",
        COMMUNITY,
        "School nursing drop-in",
        "young scrutineers",
        (5, 4, 4, 5),
        "The drop-in is easy to find and the nurse didn't make a big deal of it.",
        "Have the drop-in at lunchtime as well, not only in lessons.",
        "Two secondary schools now run a lunchtime drop-in; we will review the rest in the summer term.",
        "2026-01-14",
    ),
    (
        "SV-03",
        "2026-02-04",
        CSC,
        "Front door (MASH) reception and phone line",
        "independent scrutineer",
        (4, 3, 3, 4),
        "Call handlers were calm and knew the threshold document well.",
        "Callers waited over ten minutes at the busiest times and were not told where they were in the queue.",
        "A call-back option went live in April and waits are now reported weekly to the head of service.",
        "2026-03-25",
    ),
    (
        "SV-04",
        "2026-04-22",
        ACUTE,
        "Children's emergency department",
        "young scrutineers",
        (4, 4, 3, 3),
        "Staff spoke to us, not only to the adult with us.",
        "There is no private space to talk about something worrying.",
        "",
        "",
    ),
    (
        "SV-05",
        "2026-06-10",
        YJS,
        "Youth justice reporting centre",
        "young scrutineers",
        (4, 5, 4, 4),
        "Workers knew young people by name and there was food.",
        "The building looks like an office and the sign outside says youth offending.",
        "The sign has been changed and young people are choosing the artwork for the waiting room.",
        "2026-07-08",
    ),
    (
        "SV-06",
        "2026-09-16",
        MENTAL,
        "Child and adolescent mental health service, first appointments",
        "young scrutineers",
        (3, 4, 2, 4),
        "The clinician asked what I wanted to get out of coming.",
        "We waited months and nobody told us what was happening while we waited.",
        "",
        "",
    ),
)

COURSES = (
    ("Neglect and the graded care profile", "2025-05-20", "neglect"),
    ("Domestic abuse: the child's experience", "2025-07-03", "domestic_abuse"),
    ("Child exploitation: spotting the signs", "2025-10-07", "exploitation"),
    ("Escalation and professional challenge", "2025-12-02", "working_together;front_door"),
    ("Bruising in non-mobile babies", "2026-02-26", "front_door;neglect"),
    ("Adultification bias", "2026-05-12", "equity;exploitation"),
    ("Men in the lives of babies", "2026-06-23", "neglect;domestic_abuse"),
    ("The voice of the child", "2026-09-08", "working_together"),
)
TRAINING_AGENCIES = (CSC, POLICE, ACUTE, COMMUNITY, EDUCATION, MENTAL, GP, YJS, HOUSING, HARBOUR, PROBATION)
_TRAINING_WEIGHT = (10, 7, 6, 7, 9, 3, 4, 2, 2, 2, 2)


# Section 11: each cycle's moderated findings agency by agency (standard, then ways agencies word the action)
S11_STANDARDS = {
    "WT03": (
        "Culture of listening to children",
        (
            "Add the child's own words to the front sheet of every case record.",
            "Set up a children's feedback card for every service that sees children.",
            "Ask a young person to sit on the interview panel for safeguarding posts.",
        ),
    ),
    "WT05": (
        "Escalation of concerns",
        (
            "Brief every team on the partnership escalation policy and log the escalations made.",
            "Name an escalation lead and report escalations to the safeguarding committee each quarter.",
        ),
    ),
    "WT06": (
        "Information sharing",
        (
            "Train frontline staff on sharing information without consent when a child is at risk.",
            "Put an information sharing agreement in place with children's social care.",
            "Check that safeguarding records can be shared securely by email with partners.",
        ),
    ),
    "WT08": (
        "Safer recruitment and safe working practice",
        (
            "Audit personnel files for DBS checks and references and close every gap found.",
            "Train recruiting managers in safer recruitment before they sit on a panel.",
        ),
    ),
    "WT09": (
        "Supervision and support, including training",
        (
            "Offer safeguarding supervision every quarter to staff working directly with children.",
            "Bring level 3 safeguarding training compliance above 90 per cent.",
            "Record safeguarding supervision on the staff record so uptake can be reported.",
        ),
    ),
    "WT11": (
        "Allegations against people who work with children",
        (
            "Refer every allegation against a member of staff to the LADO within one working day.",
            "Publish the allegations procedure on the staff intranet and brief managers on it.",
        ),
    ),
}
S11_AGENCIES = (
    POLICE,
    ICB,
    GP,
    ACUTE,
    COMMUNITY,
    MENTAL,
    CSC,
    EDUCATION,
    HOUSING,
    YJS,
    PROBATION,
    HARBOUR,
    "Transport Police Northshire Area",
    "Hillcrest Primary Care Network",
    "Eastbank University Hospital Trust",
    "Regional Ambulance Service Trust",
    "Northshire Council Adult Social Care",
    "Northshire Council Public Health",
    "Northshire Young Carers",
    "Safe Families Northshire",
    "Northshire Youth Sports Network",
    "Northshire Fire and Rescue",
)
S11_ROLE = "Safeguarding lead"


def _write(path: Path, header: list[str], rows: list[list[object]]) -> Path:
    with path.open("w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh, lineterminator="\n")
        w.writerow(header)
        w.writerows(rows)
    return path


def _iso(d: dt.date | None) -> str:
    return d.isoformat() if d else ""


def _ledger(rng: np.random.Generator) -> tuple[list[list[object]], list[list[object]]]:
    """The recommendations and the actions of the ledger."""
    recs: list[list[object]] = []
    actions: list[list[object]] = []
    kind = {r[0]: r[1] for r in REVIEWS}
    dates = {r[0]: D(r[3]) for r in REVIEWS}
    audits = sorted((dates[r[0]], r[0], set(r[4].split(";"))) for r in REVIEWS if r[1] == "audit")
    source_of = {"audit": "audit", "section11": "section11", "schools": "schools"}
    n = 0
    for review_id, items in RECS.items():
        for i, (text, themes, owner, acts) in enumerate(items, start=1):
            rec_id = f"{review_id}-R{i}"
            recs.append([rec_id, review_id, text, themes, owner])
            for agency, action in acts:
                n += 1
                created = dates[review_id] + dt.timedelta(days=int(rng.integers(6, 35)))
                if created > EXTRACT_DATE:
                    continue
                due = created + dt.timedelta(days=int(rng.choice([61, 92, 122, 153, 183, 244, 274])))
                u = rng.random()
                completed: dt.date | None
                if due <= EXTRACT_DATE:
                    if u < 0.58:
                        completed = due - dt.timedelta(days=int(rng.integers(0, 50)))
                    elif u < 0.82:
                        completed = due + dt.timedelta(days=int(rng.integers(9, 140)))
                    else:
                        completed = None
                else:
                    completed = due - dt.timedelta(days=int(rng.integers(5, 60))) if u < 0.3 else None
                if completed is not None and (completed > EXTRACT_DATE or completed < created):
                    completed = None if completed > EXTRACT_DATE else created + dt.timedelta(days=20)
                roles = ROLES[agency]
                role = roles[int(rng.integers(0, len(roles)))]
                impact, evidence, impact_date, note = "none yet", "", None, ""
                if completed is not None:
                    impact = "output delivered" if rng.random() < 0.85 else "none yet"
                    grade, ev, what = IMPACT.get(action, ("", "", ""))
                    if action in REGRADED:  # the draw of its former grade, so the rest of the ledger stays as it was
                        rng.integers(100, 200)
                    if grade == "practice change":
                        later = [a for a in audits if a[0] >= completed and (a[1] == ev or not ev)]
                        if later:
                            impact, evidence, note = grade, later[0][1], what
                    elif grade == "outcome for children":
                        seen = completed + dt.timedelta(days=int(rng.integers(100, 200)))
                        if seen <= EXTRACT_DATE:
                            impact, evidence, impact_date, note = grade, ev, seen, what
                actions.append(
                    [
                        f"LA-{n:03d}",
                        source_of.get(kind[review_id], "review"),
                        rec_id,
                        themes,
                        agency,
                        role,
                        action,
                        _iso(created),
                        _iso(due),
                        _iso(completed),
                        impact,
                        evidence,
                        _iso(impact_date),
                        note,
                    ]
                )
    # Section 11 cycles: two or three standards per agency found not fully met on moderation
    earlier: dict[tuple[str, str], str] = {}
    for cycle in ("S11-2025-26", "S11-2026-27"):
        for ag_i, agency in enumerate(S11_AGENCIES):
            had = sorted(st for (a, st) in earlier if a == agency)
            pool = [st for st in sorted(S11_STANDARDS) if st not in had]
            stds = list(rng.choice(pool, size=int(rng.integers(1, 3)), replace=False))
            if had and ag_i % 6 == 1:
                # a few agencies are asked again what they were asked last year
                stds = [had[0], *stds][:2]
            for st in stds:
                title, phrasings = S11_STANDARDS[st]
                rec_id = f"{cycle}-{st}-{ag_i + 1:02d}"
                level = "not met" if rng.random() < 0.25 else "partially met"
                recs.append([rec_id, cycle, f"{title}: {level} on moderation.", "working_together", agency])
                prev = earlier.get((agency, st))
                text = prev if prev is not None else phrasings[int(rng.integers(0, len(phrasings)))]
                earlier.setdefault((agency, st), text)
                n += 1
                created = dates[cycle] + dt.timedelta(days=int(rng.integers(10, 45)))
                if created > EXTRACT_DATE:
                    created = dates[cycle] + dt.timedelta(days=int(rng.integers(0, 14)))
                    created = min(created, EXTRACT_DATE)
                due = created + dt.timedelta(days=int(rng.choice([92, 153, 183, 214])))
                completed = None
                if due <= EXTRACT_DATE:
                    u = rng.random()
                    if u < 0.55:
                        completed = due - dt.timedelta(days=int(rng.integers(0, 60)))
                    elif u < 0.8:
                        completed = min(due + dt.timedelta(days=int(rng.integers(5, 120))), EXTRACT_DATE)
                impact = "none yet"
                if completed is not None:
                    impact = "output delivered" if rng.random() < 0.8 else "none yet"
                actions.append(
                    [
                        f"LA-{n:03d}",
                        "section11",
                        rec_id,
                        "working_together",
                        agency,
                        S11_ROLE,
                        text,
                        _iso(created),
                        _iso(due),
                        _iso(completed),
                        impact,
                        "",
                        "",
                        "",
                    ]
                )
    return recs, actions


def _voice_actions(rng: np.random.Generator, start: int) -> list[list[object]]:
    themes = {
        "worker_changes": "working_together;neglect",
        "being_listened_to": "working_together",
        "safe_online": "exploitation",
        "safe_outside_home": "exploitation",
        "meetings_and_plans": "neglect;working_together",
        "early_help_access": "front_door",
        "information_sharing": "working_together;front_door",
        "supervision_and_workload": "working_together",
    }
    out = []
    for i, (vt, agency, text) in enumerate(VOICE_ACTIONS):
        created = D("2025-05-06") + dt.timedelta(days=int(40 * i + rng.integers(0, 30)))
        due = created + dt.timedelta(days=int(rng.choice([92, 122, 183])))
        completed = None
        if due <= EXTRACT_DATE and rng.random() < 0.7:
            completed = due + dt.timedelta(days=int(rng.integers(-40, 45)))
            completed = min(completed, EXTRACT_DATE)
        roles = ROLES[agency]
        out.append(
            [
                f"LA-{start + i:03d}",
                "voice",
                vt,
                themes[vt],
                agency,
                roles[int(rng.integers(0, len(roles)))],
                text,
                _iso(created),
                _iso(due),
                _iso(completed),
                "output delivered" if completed else "none yet",
                "",
                "",
                "",
            ]
        )
    return out


def generate(out_dir: Path, seed: int) -> list[Path]:
    """Write the learning and voice inputs into ``out_dir``; return the files."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(seed + 19019)
    written = [
        _write(
            out_dir / "reviews_register.csv",
            ["review_id", "kind", "title", "published", "themes", "agencies"],
            [list(r) for r in REVIEWS],
        )
    ]
    recs, actions = _ledger(rng)
    actions += _voice_actions(rng, max(int(str(a[0])[3:]) for a in actions) + 1)
    written.append(
        _write(
            out_dir / "review_recommendations.csv",
            ["recommendation_id", "review_id", "text", "themes", "owner_agency"],
            recs,
        )
    )
    written.append(
        _write(
            out_dir / "action_ledger.csv",
            [
                "action_id",
                "source",
                "source_ref",
                "themes",
                "owner_agency",
                "owner_role",
                "action",
                "created",
                "due",
                "completed",
                "impact",
                "impact_evidence",
                "impact_date",
                "impact_note",
            ],
            actions,
        )
    )
    written.append(
        _write(
            out_dir / "voice_activities.csv",
            ["activity_id", "activity", "kind", "audience", "held", "participants", "voice_themes"],
            [list(a) for a in ACTIVITIES],
        )
    )
    # voice register: each quote used once, on an activity whose audience fits its theme
    voice_rows: list[list[object]] = []
    used: set[str] = set()
    k = 0
    for act in ACTIVITIES:
        aid, _, _, audience, held, _, vts = act
        for vt in vts.split(";"):
            pool = [q for q in QUOTES[vt] if q not in used]
            take = min(len(pool), int(rng.integers(1, 3)))
            for q in pool[:take]:
                used.add(q)
                k += 1
                speakers = SPEAKERS[audience]
                consent = "yes" if rng.random() < 0.8 else "no"
                voice_rows.append(
                    [
                        f"VR-{k:03d}",
                        aid,
                        _iso(D(held) + dt.timedelta(days=int(rng.integers(0, 10)))),
                        vt,
                        speakers[int(rng.integers(0, len(speakers)))],
                        q,
                        consent,
                    ]
                )
    written.append(
        _write(
            out_dir / "voice_register.csv",
            ["voice_id", "activity_id", "date", "voice_theme", "speaker", "quote", "consent"],
            voice_rows,
        )
    )
    # complaints and compliments: one row each, eight quarters to the extract date
    cc: list[list[object]] = []
    start = D("2024-10-01")
    days = (EXTRACT_DATE - start).days
    rates = {CSC: 14, POLICE: 6, ACUTE: 5, COMMUNITY: 3, EDUCATION: 4, MENTAL: 4, HOUSING: 2}
    for agency in COMPLAINT_AGENCIES:
        n_c = int(rng.poisson(rates[agency] * 8))
        n_p = int(rng.poisson(rates[agency] * 8 * 0.7))
        for kind, count in (("complaint", n_c), ("compliment", n_p)):
            for _ in range(count):
                received = start + dt.timedelta(days=int(rng.integers(0, days + 1)))
                vt = COMPLAINT_THEMES[agency][int(rng.integers(0, len(COMPLAINT_THEMES[agency])))]
                outcome = ""
                if kind == "complaint":
                    outcome = str(rng.choice(["upheld", "partly upheld", "not upheld"], p=[0.3, 0.3, 0.4]))
                cc.append([_iso(received), agency, kind, vt, outcome])
    cc.sort(key=lambda r: (str(r[0]), str(r[1]), str(r[2])))
    written.append(
        _write(out_dir / "complaints_compliments.csv", ["received", "agency", "kind", "voice_theme", "outcome"], cc)
    )
    written.append(
        _write(
            out_dir / "scrutineer_visits.csv",
            [
                "visit_id",
                "visited",
                "agency",
                "service",
                "visited_by",
                "stars_welcome",
                "stars_listening",
                "stars_information",
                "stars_safety",
                "went_well",
                "even_better_if",
                "agency_response",
                "response_date",
            ],
            [[v[0], v[1], v[2], v[3], v[4], *v[5], v[6], v[7], v[8], v[9]] for v in VISITS],
        )
    )
    # survey headcounts: staff in scope by agency (respondents are in practitioner_survey.csv)
    survey_agencies = (
        ("Eastbank University Hospital Trust", 412),
        ("Harbour Domestic Abuse Service", 19),
        ("Hillcrest Primary Care Network", 187),
        ("Northshire Acute Hospitals Trust", 1263),
        ("Northshire Community Health Trust", 347),
        ("Northshire Council Adult Social Care", 229),
        ("Northshire Council Children's Social Care", 318),
        ("Northshire Council Education Services", 143),
        ("Northshire Council Public Health", 61),
        ("Northshire Early Years Network", 96),
        ("Northshire Fire and Rescue", 274),
        ("Northshire Mental Health Trust", 233),
        ("Northshire Police", 587),
        ("Northshire Young Carers", 23),
        ("Northshire Youth Justice Service", 41),
        ("Northshire Youth Sports Network", 58),
        ("Probation Service Northshire", 126),
        ("Regional Ambulance Service Trust", 391),
        ("Riverside GP Federation", 158),
        ("Safe Families Northshire", 27),
        ("Transport Police Northshire Area", 83),
    )
    written.append(
        _write(out_dir / "survey_headcounts.csv", ["agency", "headcount"], [list(a) for a in survey_agencies])
    )
    # training evaluation: one row per attendee, confidence 1-5 before, after and at follow-up
    tr: list[list[object]] = []
    w = np.array(_TRAINING_WEIGHT, dtype=float) / sum(_TRAINING_WEIGHT)
    for course, date, themes in COURSES:
        n = int(rng.integers(24, 61))
        for _ in range(n):
            agency = TRAINING_AGENCIES[int(rng.choice(len(TRAINING_AGENCIES), p=w))]
            before = int(rng.choice([1, 2, 3, 4, 5], p=[0.12, 0.3, 0.35, 0.18, 0.05]))
            after = int(min(5, before + rng.choice([0, 1, 1, 2, 2, 3], p=[0.15, 0.3, 0.2, 0.2, 0.1, 0.05])))
            follow = ""
            if D(date) + dt.timedelta(days=90) <= EXTRACT_DATE and rng.random() < 0.42:
                follow = str(int(max(1, after - rng.choice([0, 0, 1, 1, 2]))))
            tr.append([course, date, themes, agency, before, after, follow])
    written.append(
        _write(
            out_dir / "training_evaluation.csv",
            ["course", "delivered", "themes", "agency", "confidence_before", "confidence_after", "confidence_followup"],
            tr,
        )
    )
    return written
