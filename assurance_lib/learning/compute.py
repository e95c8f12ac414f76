"""The learning analysis's computation: pure functions, true values, no publishing and no drawing.

The one action ledger as at the period end (:func:`derive_status`, :func:`detect_repeats`,
:func:`impact_as_at`), the reviews register with its progress (:func:`reviews_progress`), the
impact log (:func:`impact_log`), re-audit proposals (:func:`reaudit_proposals`) and the voice
tables (:func:`you_said_we_did`, :func:`complaints_by`, :func:`visits_table`,
:func:`survey_response`, :func:`survey_questions`, :func:`training_reach`).
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, fields

import pandas as pd

from ..config import Period
from . import inputs as I
from .settings import Settings

__all__ = [
    "Inputs",
    "LearningResults",
    "load",
    "compute",
    "period_of",
    "derive_status",
    "content_words",
    "detect_repeats",
    "impact_as_at",
    "reviews_progress",
    "impact_log",
    "reaudit_proposals",
    "you_said_we_did",
    "complaints_by",
    "visits_table",
    "survey_response",
    "survey_questions",
    "training_reach",
    "STATUSES",
    "STOP_WORDS",
]

STATUSES = ("completed", "completed late", "overdue", "due soon", "on track")
"""Derived status as at the period end (never typed in)."""

STOP_WORDS = frozenset(
    "that this with from every each their they them have will when where which what into about more than "
    "over after before within there these those been being make sure such also only other some most".split()
)
"""Words left out when comparing two actions (:func:`content_words`)."""


def period_of(d: dt.date | pd.Timestamp) -> str:
    """The financial-year quarter a date falls in, as a period label.

    >>> period_of(dt.date(2026, 7, 1)), period_of(dt.date(2027, 3, 31))
    ('2026-27 Q2', '2026-27 Q4')
    """
    d = pd.Timestamp(d)
    fy = d.year if d.month >= 4 else d.year - 1
    return Period(fy, (d.month - 4) % 12 // 3 + 1).label


# --------------------------------------------------------------------------- inputs
@dataclass(frozen=True, slots=True)
class Inputs:
    """The checked inputs (``None`` for a voice input not given)."""

    framework: I.Framework
    priorities: dict[str, str]
    reviews: pd.DataFrame
    recommendations: pd.DataFrame
    ledger: pd.DataFrame
    activities: pd.DataFrame | None
    voice: pd.DataFrame | None
    complaints: pd.DataFrame | None
    visits: pd.DataFrame | None
    questions: pd.DataFrame | None
    headcounts: pd.DataFrame | None
    survey: pd.DataFrame | None
    training: pd.DataFrame | None
    statutory: frozenset[str]


def load(settings: Settings) -> Inputs:
    """Read and check every input the settings name (an empty path is an input not given)."""
    params = {f.name: getattr(settings, f.name) for f in fields(settings)}

    def opt(key: str, reader: object) -> pd.DataFrame | None:
        path = params[key]
        if not path:
            return None
        df = reader(path, params)  # type: ignore[operator]
        return None if df.empty else df

    return Inputs(
        framework=I.load_framework(settings.framework_path),
        priorities=I.load_priorities(settings.priorities_path),
        reviews=I.read_reviews(settings.reviews_path, params),
        recommendations=I.read_recommendations(settings.recommendations_path, params),
        ledger=I.read_ledger(settings.ledger_path, params),
        activities=opt("activities_path", I.read_activities),
        voice=opt("voice_path", I.read_voice),
        complaints=opt("complaints_path", I.read_complaints),
        visits=opt("visits_path", I.read_visits),
        questions=I.load_questions(settings.survey_questions_path) if settings.survey_questions_path else None,
        headcounts=opt("headcounts_path", I.read_headcounts),
        survey=opt("survey_path", I.read_survey),
        training=opt("training_path", I.read_training),
        statutory=frozenset(
            []
            if not settings.agencies_path
            else I.read_agencies(settings.agencies_path, params).query("statutory_partner")["agency"].astype(str)
        ),
    )


# --------------------------------------------------------------------------- the ledger
def derive_status(ledger: pd.DataFrame, period: Period, due_soon_days: int) -> pd.DataFrame:
    """The ledger as at the period end: actions created by then, each with its derived status.

    Rules (the status is never typed in):

    - a completion dated after the period end does not count (the action was open at the end);
    - completed on or before the due date: ``completed``; after it: ``completed late``;
    - open and due before the period end: ``overdue`` (``days_overdue`` = end - due);
    - open and due within ``due_soon_days`` of the end: ``due soon``; otherwise ``on track``;
    - ``late`` is ``yes`` for ``completed late`` and ``overdue``;
    - ``carried_forward`` is ``yes`` for an action created before the financial year of the
      period began and still open on its first day (``from_year`` names the year it came from).
    """
    end = pd.Timestamp(period.end)
    year_start = pd.Timestamp(dt.date(period.fy_start, 4, 1))
    df = ledger[ledger["created"] <= end].copy()
    done = df["completed"].notna() & (df["completed"] <= end)
    df["completed"] = df["completed"].where(done)
    status = pd.Series("on track", index=df.index, dtype="string")
    status[~done & (df["due"] - end).dt.days.between(0, due_soon_days)] = "due soon"
    status[~done & (df["due"] < end)] = "overdue"
    status[done & (df["completed"] <= df["due"])] = "completed"
    status[done & (df["completed"] > df["due"])] = "completed late"
    df["status"] = status
    df["late"] = status.isin(["overdue", "completed late"]).map({True: "yes", False: "no"}).astype("string")
    df["days_overdue"] = (end - df["due"]).dt.days.where(status.eq("overdue")).astype("Int64")
    df["days_late"] = (df["completed"] - df["due"]).dt.days.where(status.eq("completed late")).astype("Int64")
    carried = (df["created"] < year_start) & (~done | (df["completed"] >= year_start))
    df["carried_forward"] = carried.map({True: "yes", False: "no"}).astype("string")
    fy = df["created"].dt.year - (df["created"].dt.month < 4).astype(int)
    df["from_year"] = (fy.astype(str) + "-" + ((fy + 1) % 100).astype(str).str.zfill(2)).where(carried).astype("string")
    return df.reset_index(drop=True)


def content_words(text: str) -> frozenset[str]:
    """The words of an action compared by the repeat rule: lower case, four letters or more, not a stop word.

    >>> sorted(content_words("Offer safeguarding supervision to every officer each quarter."))
    ['offer', 'officer', 'quarter', 'safeguarding', 'supervision']
    """
    words = re.findall(r"[a-z]+", str(text).lower())
    return frozenset(w for w in words if len(w) >= 4 and w not in STOP_WORDS)


def detect_repeats(ledger: pd.DataFrame, overlap: float) -> pd.DataFrame:
    """Mark "the same action again": ``repeated`` (yes/no) and ``repeats`` (the earlier action's id).

    The rule: an action repeats an earlier one (created earlier, or the same day with a lower
    ``action_id``) when both have the same owner agency, answer different recommendations or
    findings (``source_ref``), and at least ``overlap`` of the shorter action's content words
    (:func:`content_words`, at least three of them) are in the other. The earliest match is named.
    """
    df = ledger.copy()
    order = df.sort_values(["created", "action_id"]).index
    words = {i: content_words(df.at[i, "action"]) for i in df.index}
    repeats = pd.Series(pd.NA, index=df.index, dtype="string")
    seen: list[int] = []
    for i in order:
        for j in seen:
            if df.at[j, "owner_agency"] != df.at[i, "owner_agency"] or df.at[j, "source_ref"] == df.at[i, "source_ref"]:
                continue
            a, b = words[i], words[j]
            short = min(len(a), len(b))
            if short >= 3 and len(a & b) / short >= overlap:
                repeats[i] = df.at[j, "action_id"]
                break
        seen.append(i)
    df["repeats"] = repeats
    df["repeated"] = repeats.notna().map({True: "yes", False: "no"}).astype("string")
    return df


def impact_as_at(ledger: pd.DataFrame, period: Period, grades: tuple[str, ...]) -> pd.DataFrame:
    """The impact grade as at the period end: a grade counts only once its evidence is dated by then.

    ``practice change`` counts from the re-audit's date, ``outcome for children`` from the date
    the indicator showed it; before that the action is ``output delivered`` if completed by the
    period end, else ``none yet``. ``impact_evidence`` is blank below ``practice change``.
    """
    end = pd.Timestamp(period.end)
    df = ledger.copy()
    graded = df["impact"].isin(grades[2:])
    evidenced = graded & df["evidence_date"].notna() & (df["evidence_date"] <= end)
    lower = df["completed"].notna().map({True: grades[1], False: grades[0]})
    keep_output = df["impact"].eq(grades[1]) & df["completed"].notna()
    impact = df["impact"].where(evidenced | keep_output | df["impact"].eq(grades[0]), lower)
    impact = impact.where(~(df["impact"].eq(grades[1]) & df["completed"].isna()), grades[0])
    df["impact"] = impact.astype("string")
    df["impact_evidence"] = df["impact_evidence"].where(evidenced).astype("string")
    df["evidence_date"] = df["evidence_date"].where(evidenced)
    return df


# --------------------------------------------------------------------------- reviews, impact, re-audits
def reviews_progress(reviews: pd.DataFrame, recs: pd.DataFrame, actions: pd.DataFrame, period: Period) -> pd.DataFrame:
    """The reviews register as at the period end, with its recommendations and the progress of their actions.

    ``progress``: ``overdue actions`` when any is overdue, ``all actions completed`` when every
    action is completed, ``in progress`` otherwise, ``no actions yet`` when none is recorded.
    """
    end = pd.Timestamp(period.end)
    r = reviews[reviews["published"] <= end].copy()
    rec_review = dict(zip(recs["recommendation_id"], recs["review_id"]))
    a = actions.assign(review_id=actions["source_ref"].map(rec_review))
    rows = []
    for _, row in r.sort_values(["published", "review_id"]).iterrows():
        acts = a[a["review_id"].eq(row["review_id"])]
        st = acts["status"]
        n = len(acts)
        done = int(st.isin(["completed", "completed late"]).sum())
        overdue = int(st.eq("overdue").sum())
        progress = (
            "no actions yet"
            if n == 0
            else ("overdue actions" if overdue else ("all actions completed" if done == n else "in progress"))
        )
        rows.append(
            {
                "review_id": row["review_id"],
                "kind": row["kind_label"],
                "title": row["title"],
                "published": row["published"].date().isoformat(),
                "themes": row["themes"],
                "recommendations": int(recs["review_id"].eq(row["review_id"]).sum()),
                "actions": n,
                "completed": int(st.eq("completed").sum()),
                "completed_late": int(st.eq("completed late").sum()),
                "overdue": overdue,
                "open": n - done - overdue,
                "impact_evidenced": int(acts["impact"].isin(["practice change", "outcome for children"]).sum()),
                "progress": progress,
            }
        )
    return pd.DataFrame(rows)


def _evidence_text(row: pd.Series, reviews: pd.DataFrame, fw: I.Framework) -> str:
    ev, when = row["impact_evidence"], row["evidence_date"]
    if pd.isna(ev):
        return ""
    date = pd.Timestamp(when).strftime("%-d %B %Y")
    if row["impact"] == "practice change":
        title = reviews.set_index("review_id")["title"].get(ev, ev)
        return f"Re-audit {ev} ({title}), {date}"
    return f"Indicator: {fw.indicators.get(ev, ev)}, seen {date}"


def impact_log(actions: pd.DataFrame, reviews: pd.DataFrame, fw: I.Framework) -> pd.DataFrame:
    """What changed for children and how we know: actions whose impact is evidenced as at the period end."""
    a = actions[actions["impact"].isin(fw.impact_grades[2:])].copy()
    a = a.sort_values(["evidence_date", "action_id"])
    return pd.DataFrame(
        {
            "action_id": a["action_id"],
            "themes": a["themes"],
            "owner_agency": a["owner_agency"],
            "action": a["action"],
            "impact": a["impact"],
            "what_changed": a["impact_note"],
            "how_we_know": [_evidence_text(r, reviews, fw) for _, r in a.iterrows()],
            "evidence_date": a["evidence_date"].dt.date.astype("string"),
        }
    ).reset_index(drop=True)


def reaudit_proposals(
    actions: pd.DataFrame, recs: pd.DataFrame, reviews: pd.DataFrame, period: Period, months: int, fw: I.Framework
) -> pd.DataFrame:
    """Re-audits proposed for recommendations whose actions are completed with no evidence of practice change.

    One proposal per recommendation or finding (``source_ref``) with at least one completed action
    graded below ``practice change`` as at the period end and none graded at or above it. Proposed
    date: ``months`` after the latest such completion, and not before the next quarter starts.
    """
    done = actions[actions["status"].isin(["completed", "completed late"])]
    shown = actions[actions["impact"].isin(["practice change", "outcome for children"])]
    cand = done[
        done["impact"].isin(["none yet", "output delivered"]) & ~done["source_ref"].isin(set(shown["source_ref"]))
    ]
    if cand.empty:
        return pd.DataFrame(
            columns=[
                "source_ref",
                "source",
                "review",
                "themes",
                "agencies",
                "actions",
                "last_completed",
                "propose_by",
                "look_for",
            ]
        )
    rec = recs.set_index("recommendation_id")
    voice_titles = {k: v[0] for k, v in fw.voice_themes.items()}
    rev = reviews.set_index("review_id")["title"]
    earliest = pd.Timestamp(period.next().start)
    rows = []
    for ref, g in cand.groupby("source_ref", sort=True):
        last = g["completed"].max()
        by = max(last + pd.DateOffset(months=months), earliest)
        is_rec = ref in rec.index
        rows.append(
            {
                "source_ref": ref,
                "source": g["source"].iloc[0],
                "review": rev.get(rec.at[ref, "review_id"], "")
                if is_rec
                else "what we heard: " + voice_titles.get(ref, str(ref)),
                "themes": g["themes"].iloc[0],
                "agencies": "; ".join(sorted(set(g["owner_agency"]))),
                "actions": "; ".join(g["action_id"]),
                "last_completed": last.date().isoformat(),
                "propose_by": by.date().isoformat(),
                "look_for": rec.at[ref, "text"] if is_rec else "; ".join(g["action"]),
            }
        )
    return pd.DataFrame(rows).sort_values(["propose_by", "source_ref"]).reset_index(drop=True)


# --------------------------------------------------------------------------- voice
def _window(s: pd.Series, period: Period, months: int = 12) -> pd.Series:
    return (s >= pd.Timestamp(period.rolling_start(months))) & (s <= pd.Timestamp(period.end))


def you_said_we_did(
    voice: pd.DataFrame | None,
    complaints: pd.DataFrame | None,
    actions: pd.DataFrame,
    fw: I.Framework,
    period: Period,
) -> pd.DataFrame:
    """ "You said, we did, we did not do": each voice theme heard in the 12 months to the period end, and its actions.

    ``we_did``: the theme's actions completed; ``we_are_doing``: open and not overdue; ``we_did_not_do``:
    overdue actions, or ``no action in the ledger`` when the theme has none. Actions are the
    ledger's voice actions whose ``source_ref`` is the theme.
    """
    heard: dict[str, dict[str, object]] = {}
    if voice is not None:
        v = voice[_window(voice["date"], period)]
        for t, g in v.groupby("voice_theme"):
            heard.setdefault(str(t), {})["voices"] = len(g)
            heard[str(t)]["from"] = "; ".join(sorted(set(g["audience"].dropna())))
    if complaints is not None:
        c = complaints[_window(complaints["received"], period) & complaints["kind"].eq("complaint")]
        for t, g in c.groupby("voice_theme"):
            heard.setdefault(str(t), {})["complaints"] = len(g)
    va = actions[actions["source"].eq("voice")]
    rows = []
    for t in fw.voice_themes:
        if t not in heard:
            continue
        title, themes, _ = fw.voice_themes[t]
        a = va[va["source_ref"].eq(t)]

        def listed(mask: pd.Series, a: pd.DataFrame = a) -> str:
            return "; ".join(f"{i}: {txt}" for i, txt in zip(a.loc[mask, "action_id"], a.loc[mask, "action"]))

        st = a["status"]
        did_not = listed(st.eq("overdue")) if len(a) else "no action in the ledger"
        rows.append(
            {
                "voice_theme": title,
                "themes": ";".join(themes),
                "heard_from": heard[t].get("from", ""),
                "voices": int(heard[t].get("voices", 0)),
                "complaints": int(heard[t].get("complaints", 0)),
                "actions": len(a),
                "we_did": listed(st.isin(["completed", "completed late"])),
                "we_are_doing": listed(st.isin(["on track", "due soon"])),
                "we_did_not_do": did_not,
            }
        )
    return pd.DataFrame(rows)


def complaints_by(complaints: pd.DataFrame, by: str, period: Period, fw: I.Framework) -> pd.DataFrame:
    """Complaints (and those upheld in full or part) and compliments by quarter and ``by`` (``agency`` or ``voice_theme``), four quarters to the period end."""
    c = complaints[_window(complaints["received"], period)].copy()
    c["quarter"] = c["received"].map(period_of)
    if by == "voice_theme":
        c["voice_theme"] = c["voice_theme"].map(lambda t: fw.voice_themes[t][0])
    g = c.groupby(["quarter", by])
    out = pd.DataFrame(
        {
            "complaints": g["kind"].apply(lambda s: int(s.eq("complaint").sum())),
            "upheld_in_full_or_part": g["outcome"].apply(lambda s: int(s.isin(["upheld", "partly upheld"]).sum())),
            "compliments": g["kind"].apply(lambda s: int(s.eq("compliment").sum())),
        }
    ).reset_index()
    if by == "voice_theme":
        themes = {v[0]: ";".join(v[1]) for v in fw.voice_themes.values()}
        out["themes"] = out["voice_theme"].map(themes)
    return out.sort_values(["quarter", by]).reset_index(drop=True)


def visits_table(visits: pd.DataFrame, period: Period, response_days: int = 28) -> pd.DataFrame:
    """Scrutineer and assurance visits in the 12 months to the period end, with the agency's response and how long it took."""
    end = pd.Timestamp(period.end)
    v = visits[_window(visits["visited"], period)].copy()
    days = (v["response_date"] - v["visited"]).dt.days
    waiting = (end - v["visited"]).dt.days
    response = [
        f"responded in {int(d)} days" if pd.notna(d) else f"no response after {int(w)} days"
        for d, w in zip(days, waiting)
    ]
    out = pd.DataFrame(
        {
            "visited": v["visited"].dt.date.astype("string"),
            "agency": v["agency"],
            "service": v["service"],
            "visited_by": v["visited_by"],
            **{c: v[c] for c in I.STAR_COLUMNS},
            "went_well": v["went_well"],
            "even_better_if": v["even_better_if"],
            "agency_response": v["agency_response"],
            "response": response,
            "overdue_response": [(pd.isna(d) and w > response_days) for d, w in zip(days, waiting)],
        }
    )
    return out.reset_index(drop=True)


def survey_response(survey: pd.DataFrame, headcounts: pd.DataFrame) -> pd.DataFrame:
    """Respondents and the response rate (per cent of the staff in scope) by agency, with the partnership total."""
    resp = survey.groupby("agency")["respondent"].nunique()
    h = headcounts.set_index("agency")["headcount"]
    agencies = sorted(set(h.index) | set(resp.index))
    rows = []
    for a in agencies:
        n = int(resp.get(a, 0))
        hc = h.get(a, pd.NA)
        rows.append(
            {
                "agency": a,
                "headcount": hc,
                "respondents": n,
                "response_rate": round(100 * n / hc, 1) if pd.notna(hc) else pd.NA,
            }
        )
    out = pd.DataFrame(rows)
    tot_n, tot_h = int(out["respondents"].sum()), int(pd.to_numeric(out["headcount"]).sum())
    out = pd.concat(
        [
            out,
            pd.DataFrame(
                [
                    {
                        "agency": "All agencies",
                        "headcount": tot_h,
                        "respondents": tot_n,
                        "response_rate": round(100 * tot_n / tot_h, 1),
                    }
                ]
            ),
        ],
        ignore_index=True,
    )
    out["headcount"] = out["headcount"].astype("Int64")
    return out


def survey_questions(survey: pd.DataFrame, bank: pd.DataFrame) -> pd.DataFrame:
    """Each question of the bank: its text, themes, how many answered and the share answering positively (per cent)."""
    rows = []
    for _, q in bank.iterrows():
        s = survey[survey["question_id"].eq(q["question_id"])]
        n = int(s["respondent"].nunique())
        pos = int(s.loc[s["positive"].astype(bool), "respondent"].nunique()) if n else 0
        rows.append(
            {
                "question_id": q["question_id"],
                "question": q["text"],
                "themes": q["themes"],
                "answered": n,
                "positive": pos,
                "positive_share": round(100 * pos / n, 1) if n else pd.NA,
            }
        )
    return pd.DataFrame(rows)


def training_reach(training: pd.DataFrame, period: Period, by: str) -> pd.DataFrame:
    """Training in the 12 months to the period end by ``by`` (``agency`` or ``course``): reach and confidence.

    Confidence is on a 1 to 5 scale; ``mean_change`` is the mean of each attendee's after minus
    before; the follow-up columns are of those who answered the follow-up (about three months on).
    """
    t = training[_window(training["delivered"], period)]
    rows = []
    for key, g in t.groupby(by, sort=True):
        f = g[g["confidence_followup"].notna()]
        rows.append(
            {
                by: key,
                "attendees": len(g),
                "mean_before": round(float(g["confidence_before"].mean()), 2),
                "mean_after": round(float(g["confidence_after"].mean()), 2),
                "mean_change": round(float((g["confidence_after"] - g["confidence_before"]).mean()), 2),
                "followed_up": len(f),
                "mean_followup": round(float(f["confidence_followup"].mean()), 2) if len(f) else pd.NA,
                **(
                    {"themes": ";".join(sorted(set(";".join(g["themes"].dropna()).split(";")) - {""}))}
                    if by == "course"
                    else {}
                ),
            }
        )
    return pd.DataFrame(rows)


# --------------------------------------------------------------------------- everything
@dataclass(frozen=True, slots=True)
class LearningResults:
    """Everything notebook 05 shows (true values, not yet published)."""

    settings: Settings
    period: Period
    framework: I.Framework
    reviews: pd.DataFrame
    recommendations: pd.DataFrame
    actions: pd.DataFrame
    impact: pd.DataFrame
    reaudits: pd.DataFrame
    activities: pd.DataFrame | None
    voice: pd.DataFrame | None
    you_said: pd.DataFrame
    complaints_agency: pd.DataFrame | None
    complaints_theme: pd.DataFrame | None
    visits: pd.DataFrame | None
    survey_rates: pd.DataFrame | None
    survey_items: pd.DataFrame | None
    training_agency: pd.DataFrame | None
    training_course: pd.DataFrame | None
    gaps: tuple[str, ...]
    statutory: frozenset[str]
    source: str


def compute(inputs: Inputs, settings: Settings, period: Period, *, partnership: str) -> LearningResults:
    """Every result of the learning analysis as at the end of ``period``."""
    fw = inputs.framework
    a = derive_status(inputs.ledger, period, settings.due_soon_days)
    a = detect_repeats(a, settings.repeat_overlap)
    a = impact_as_at(a, period, fw.impact_grades)
    end = pd.Timestamp(period.end)
    voice = inputs.voice[inputs.voice["date"] <= end] if inputs.voice is not None else None
    gaps = tuple(
        name
        for name, v in (
            ("feedback activities", inputs.activities),
            ("voice register", inputs.voice),
            ("complaints and compliments", inputs.complaints),
            ("scrutineer visits", inputs.visits),
            ("practitioner survey", inputs.survey),
            ("training evaluation", inputs.training),
        )
        if v is None
    )
    survey_ok = inputs.survey is not None and inputs.headcounts is not None and inputs.questions is not None
    return LearningResults(
        settings=settings,
        period=period,
        framework=fw,
        reviews=reviews_progress(inputs.reviews, inputs.recommendations, a, period),
        recommendations=inputs.recommendations,
        actions=a,
        impact=impact_log(a, inputs.reviews, fw),
        reaudits=reaudit_proposals(
            a, inputs.recommendations, inputs.reviews, period, settings.reaudit_after_months, fw
        ),
        activities=inputs.activities[inputs.activities["held"] <= end] if inputs.activities is not None else None,
        voice=voice,
        you_said=you_said_we_did(voice, inputs.complaints, a, fw, period),
        complaints_agency=complaints_by(inputs.complaints, "agency", period, fw)
        if inputs.complaints is not None
        else None,
        complaints_theme=complaints_by(inputs.complaints, "voice_theme", period, fw)
        if inputs.complaints is not None
        else None,
        visits=visits_table(inputs.visits, period) if inputs.visits is not None else None,
        survey_rates=survey_response(inputs.survey, inputs.headcounts) if survey_ok else None,  # type: ignore[arg-type]
        survey_items=survey_questions(inputs.survey, inputs.questions) if survey_ok else None,  # type: ignore[arg-type]
        training_agency=training_reach(inputs.training, period, "agency") if inputs.training is not None else None,
        training_course=training_reach(inputs.training, period, "course") if inputs.training is not None else None,
        gaps=gaps,
        statutory=inputs.statutory,
        source=f"Partnership learning and voice registers and action ledger, {period.label}, {partnership}",
    )
