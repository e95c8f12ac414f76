"""What notebook 05 calls: read and compute once (:func:`analyse`), then publish one part per call.

Tables ``learning_*`` (unit ``actions``, rule ``organisations``: actions and reviews are the
partnership's own business, not personal data) and ``voice_*``. Free text (action and
recommendation text, quotes, what changed, visit findings and responses) reaches the pack only
through the redaction guard (:func:`assurance_lib.disclosure.redact`): a cell the guard has to
change is left out, never published with a mask, and counted in the run log.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pandas as pd

from .. import charts, display
from ..disclosure import redact
from ..safe_text import pack_files
from ..tables import FLAG_COLUMNS, FLAG_V2_COLUMNS, TableSpec
from .compute import LearningResults, compute, load, period_of
from .inputs import STAR_COLUMNS
from .settings import Settings

__all__ = [
    "analyse",
    "show_reviews",
    "show_actions",
    "show_actions_summary",
    "actions_summary_data",
    "show_impact_log",
    "show_reaudits",
    "show_voice",
    "show_you_said_we_did",
    "show_complaints",
    "show_visits",
    "show_survey",
    "show_training",
    "flags_data",
    "publish_flags",
    "method_notes",
    "method_notes_markdown",
]

SOURCE_LABELS = {
    "review": "Reviews and inspections",
    "audit": "Case audits",
    "section11": "Section 11",
    "schools": "Schools audit",
    "voice": "What we heard",
}
"""How the chart names the ledger's sources."""

LEDGER_PUBLISHED = (
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
    "status",
    "late",
    "days_overdue",
    "days_late",
    "carried_forward",
    "from_year",
    "repeated",
    "repeats",
    "impact",
    "impact_evidence",
)


def analyse(ctx: Any) -> LearningResults:
    """Settings from the notebook's parameters, every input, and every result as at the period end."""
    settings = Settings.from_params(ctx.params)
    return compute(load(settings), settings, ctx.config.period, partnership=ctx.config.partnership)


def _spec(res: LearningResults, name: str, title: str, notes: str = "", unit: str = "actions") -> TableSpec:
    return TableSpec(name=name, title=title, unit=unit, rule="organisations", source=res.source, notes=notes)  # type: ignore[arg-type]


def _guard(ctx: Any, values: pd.Series, what: str) -> pd.Series:
    """Free text through the redaction guard: a cell the guard changes or cannot clear becomes empty (counted)."""
    ids = ctx.publish.identifiers()
    out, held = [], 0
    for v in values:
        if v is None or (not isinstance(v, str) and pd.isna(v)):
            out.append(pd.NA)
            continue
        r = redact(str(v), ids)
        if r.replaced or r.withheld:
            held += 1
            out.append(pd.NA)
        else:
            out.append(r.text)
    if held:
        ctx.publish.note(f"{held} {what} left out by the redaction guard")
    return pd.Series(out, index=values.index, dtype="string")


def _dates(df: pd.DataFrame, cols: tuple[str, ...]) -> pd.DataFrame:
    d = df.copy()
    for c in cols:
        d[c] = d[c].dt.date.astype("string")
    return d


def _none(what: str, param: str) -> Any:
    return display.styled(pd.DataFrame({"note": [f"No {what} was given ({param} is empty): listed as a gap."]}), what)


def show_reviews(ctx: Any, res: LearningResults) -> Any:
    """Publish ``learning_reviews`` (the register with its progress) and ``learning_recommendations``; return the register.

    Numbers: :func:`~.compute.reviews_progress`.
    """
    recs = res.recommendations
    a = res.actions
    by_rec = a.groupby("source_ref")["status"]
    r = (
        recs[recs["review_id"].isin(set(res.reviews["review_id"]))].copy()
        if len(res.reviews)
        else recs.iloc[0:0].copy()
    )
    r["actions"] = r["recommendation_id"].map(by_rec.size()).fillna(0).astype("int64")
    r["completed"] = (
        r["recommendation_id"]
        .map(by_rec.apply(lambda s: int(s.isin(["completed", "completed late"]).sum())))
        .fillna(0)
        .astype("int64")
    )
    r["overdue"] = (
        r["recommendation_id"].map(by_rec.apply(lambda s: int(s.eq("overdue").sum()))).fillna(0).astype("int64")
    )
    r["text"] = _guard(ctx, r["text"], "recommendation texts")
    ctx.publish.table(
        r[["recommendation_id", "review_id", "themes", "owner_agency", "text", "actions", "completed", "overdue"]],
        _spec(
            res,
            "learning_recommendations",
            f"Recommendations and findings of the reviews register, with their actions, {res.period.label}",
            "completed includes actions completed late.",
        ),
    )
    title = f"Reviews, inspections, audits and Section 11 cycles, and the progress of their actions, {res.period.label}"
    shown = ctx.publish.table(
        res.reviews,
        _spec(
            res,
            "learning_reviews",
            title,
            "Progress as at the period end from the ledger's derived statuses; impact_evidenced counts actions whose "
            "practice change (re-audit) or outcome for children (indicator) is evidenced.",
        ),
    )
    view = shown[["review_id", "kind", "title", "published", "actions", "overdue", "progress"]]
    return display.styled(view, title)


def show_actions(ctx: Any, res: LearningResults) -> Any:
    """Publish ``learning_actions``, the one ledger as at the period end; return the actions that need attention.

    Numbers: :func:`~.compute.derive_status`, :func:`~.compute.detect_repeats`, :func:`~.compute.impact_as_at`.
    """
    d = _dates(res.actions, ("created", "due", "completed")).copy()
    d["action"] = _guard(ctx, d["action"], "action texts")
    # the evidence of an impact is a re-audit or an indicator: published under its title, not its id
    titles = {**dict(zip(res.reviews["review_id"], res.reviews["title"])), **res.framework.indicators}
    d["impact_evidence"] = d["impact_evidence"].map(lambda v: titles.get(v, v) if isinstance(v, str) else v)
    pub = d[list(LEDGER_PUBLISHED)].sort_values(["created", "action_id"]).reset_index(drop=True)
    title = f"The partnership's action ledger as at {res.period.end:%-d %B %Y}"
    shown = ctx.publish.table(
        pub,
        _spec(
            res,
            "learning_actions",
            title,
            "One ledger for every source. Status derived from the dates and the period end (never typed): completed "
            "after the due date is 'completed late'. carried_forward: created before this financial year and open when "
            "it began. repeated: the same owner asked again to do what an earlier action asked (see method notes). "
            "impact counts only once its evidence is dated by the period end.",
        ),
    )
    attention = shown[shown["status"].eq("overdue") | shown["repeated"].eq("yes")].sort_values(
        ["status", "owner_agency", "action_id"]
    )
    cols = ["action_id", "owner_agency", "action", "due", "status", "days_overdue", "repeats"]
    return display.styled(
        attention[cols],
        "Actions that need attention: overdue, or the same action asked again (repeats: the earlier action); "
        "the whole ledger is in the table learning_actions",
    )


def actions_summary_data(res: LearningResults) -> pd.DataFrame:
    """Actions by source and by owner agency: how many, and how many in each derived status (the chart's numbers)."""
    rows = []
    for grouping in ("source", "owner_agency"):
        for key, g in res.actions.groupby(grouping, sort=True):
            st = g["status"]
            rows.append(
                {
                    "grouping": grouping,
                    "group": key,
                    "actions": len(g),
                    "completed": int(st.eq("completed").sum()),
                    "completed_late": int(st.eq("completed late").sum()),
                    "overdue": int(st.eq("overdue").sum()),
                    "due_soon": int(st.eq("due soon").sum()),
                    "on_track": int(st.eq("on track").sum()),
                    "carried_forward": int(g["carried_forward"].eq("yes").sum()),
                    "repeated": int(g["repeated"].eq("yes").sum()),
                }
            )
    return pd.DataFrame(rows)


def show_actions_summary(ctx: Any, res: LearningResults) -> Any:
    """Publish ``learning_actions_summary`` and a chart of actions by source and status; return the chart.

    Numbers: :func:`actions_summary_data`.
    """
    data = actions_summary_data(res)
    ctx.publish.table(
        data,
        _spec(
            res,
            "learning_actions_summary",
            f"Actions by source and owner agency, by derived status, {res.period.label}",
        ),
    )
    src = data[data["grouping"].eq("source")]
    long = src.melt(
        id_vars="group",
        value_vars=["completed", "completed_late", "overdue", "on_track"],
        var_name="status",
        value_name="n",
    )
    long["status"] = long["status"].str.replace("_", " ")
    long["group"] = long["group"].map(SOURCE_LABELS).fillna(long["group"])
    total = int(src["actions"].sum())
    late = int(src["completed_late"].sum() + src["overdue"].sum())
    chart = charts.bar(
        long,
        x="n",
        y="group",
        hue="status",
        name="learning_actions_by_source",
        title=f"{late} of {total} actions were completed late or are overdue",
        subtitle=f"Actions by source and derived status as at {res.period.end:%-d %B %Y} (due soon counted with on track "
        "in the table only)",
        source=res.source,
        alt=f"Bar chart of the ledger's {total} actions by source (review, audit, Section 11, schools, voice) and status: "
        + "; ".join(
            f"{SOURCE_LABELS.get(r.group, r.group)}: {r.completed} completed, {r.completed_late} late, {r.overdue} overdue, {r.on_track} on track"
            for r in src.itertuples()
        ),
        xlabel="actions",
    )
    return ctx.publish.figure(chart)


def show_impact_log(ctx: Any, res: LearningResults) -> Any:
    """Publish ``learning_impact_log`` and its page ``learning_impact_log.md``; return the page.

    Numbers: :func:`~.compute.impact_log`.
    """
    log = res.impact.copy()
    log["action"] = _guard(ctx, log["action"], "action texts")
    log["what_changed"] = _guard(ctx, log["what_changed"], "impact notes")
    title = f"Impact log: what changed for children and how we know, {res.period.label}"
    ctx.publish.table(
        log,
        _spec(
            res,
            "learning_impact_log",
            title,
            "Actions whose impact is evidenced by the period end: practice change in a re-audit, or an outcome for "
            "children in an indicator.",
        ),
    )
    lines = [f"# {title}", ""]
    if log.empty:
        lines.append("No action has evidence of practice change or of an outcome for children yet.")
    for _, r in log.iterrows():
        changed = r["what_changed"] if pd.notna(r["what_changed"]) else "(left out by the redaction guard)"
        lines += [
            f"## {r['action_id']}: {r['owner_agency']} ({r['impact']})",
            "",
            f"- **What we did:** {r['action'] if pd.notna(r['action']) else '(left out by the redaction guard)'}",
            f"- **What changed for children:** {changed}",
            f"- **How we know:** {r['how_we_know']}",
            f"- **Themes:** {r['themes']}",
            "",
        ]
    md = ctx.publish.text("learning_impact_log", "\n".join(lines), free_text=True)
    return display.markdown(md, pack_files=pack_files(Path(ctx.run_dir) / "shareable"))


def show_reaudits(ctx: Any, res: LearningResults) -> Any:
    """Publish ``learning_reaudit_proposals``; return it. Numbers: :func:`~.compute.reaudit_proposals`."""
    p = res.reaudits.copy()
    p["look_for"] = _guard(ctx, p["look_for"], "re-audit questions")
    title = f"Re-audits proposed: actions completed with no evidence yet of practice change, {res.period.label}"
    shown = ctx.publish.table(
        p,
        _spec(
            res,
            "learning_reaudit_proposals",
            title,
            f"One per recommendation or finding; propose_by is {res.settings.reaudit_after_months} months after the last "
            "completion, and not before next quarter.",
        ),
    )
    return display.styled(shown[["source_ref", "review", "agencies", "last_completed", "propose_by"]], title)


def show_voice(ctx: Any, res: LearningResults) -> Any:
    """Publish ``voice_activities`` and ``voice_register`` (consented quotes only, through the redaction guard); return the quotes."""
    if res.voice is None or res.activities is None:
        return _none("voice register", "voice_path")
    fw = res.framework
    acts = res.activities
    ctx.publish.table(
        _dates(acts, ("held",))[
            ["activity_id", "activity", "kind", "audience", "held", "participants", "voice_themes"]
        ],
        TableSpec(
            name="voice_activities",
            title=f"Feedback activities with children, families and practitioners to {res.period.end:%-d %B %Y}",
            unit="children",
            rule="children-counts",
            source=res.source,
            notes="participants: people who took part (children, parents or practitioners, by the audience column).",
            keys=("activity_id",),
            counts=("participants",),
        ),
    )
    v = res.voice.copy()
    names = dict(zip(acts["activity_id"], acts["activity"]))
    v = v[v["consent"]]
    v["quote"] = _guard(ctx, v["quote"], "quotes")
    v = v[v["quote"].notna()]
    pub = pd.DataFrame(
        {
            "date": v["date"].dt.date.astype("string"),
            "activity": v["activity_id"].map(names),
            "audience": v["audience"],
            "speaker": v["speaker"],
            "voice_theme": v["voice_theme"].map(lambda t: fw.voice_themes[t][0]),
            "themes": v["voice_theme"].map(lambda t: ";".join(fw.voice_themes[t][1])),
            "quote": v["quote"],
        }
    ).sort_values(["date", "voice_theme"])
    n_all, n_pub = len(res.voice), len(pub)
    title = f"What children, families and practitioners said (consented quotes), to {res.period.end:%-d %B %Y}"
    shown = ctx.publish.table(
        pub,
        _spec(
            res,
            "voice_register",
            title,
            f"{n_pub} of {n_all} quotes in the register: only quotes given with consent to share, and cleared by the "
            "redaction guard, are published.",
            unit="agencies",
        ),
    )
    return display.styled(shown[["date", "speaker", "voice_theme", "quote"]], title)


def show_you_said_we_did(ctx: Any, res: LearningResults) -> Any:
    """Publish ``voice_you_said_we_did``; return it. Numbers: :func:`~.compute.you_said_we_did`."""
    y = res.you_said.copy()
    for c in ("we_did", "we_are_doing", "we_did_not_do"):
        if len(y):
            y[c] = _guard(ctx, y[c], "you-said-we-did entries")
    title = f"You said, we did, we did not do: the 12 months to {res.period.end:%-d %B %Y}"
    shown = ctx.publish.table(
        y,
        _spec(
            res,
            "voice_you_said_we_did",
            title,
            "voices: quotes in the voice register; complaints: complaints on the theme; actions: the ledger's voice "
            "actions answering the theme. we did not do: overdue actions, or no action in the ledger.",
        ),
    )
    return display.styled(
        shown[["voice_theme", "voices", "complaints", "we_did", "we_are_doing", "we_did_not_do"]], title
    )


def show_complaints(ctx: Any, res: LearningResults) -> Any:
    """Publish ``voice_complaints_by_agency`` and ``voice_complaints_by_theme`` (quarterly); return by agency.

    Numbers: :func:`~.compute.complaints_by`.
    """
    if res.complaints_agency is None or res.complaints_theme is None:
        return _none("complaints and compliments", "complaints_path")
    note = "Counts of complaints and compliments received (not of children), four quarters to the period end."
    ctx.publish.table(
        res.complaints_theme,
        _spec(
            res, "voice_complaints_by_theme", "Complaints and compliments by quarter and theme", note, unit="agencies"
        ),
    )
    title = "Complaints and compliments by quarter and agency"
    shown = ctx.publish.table(
        res.complaints_agency, _spec(res, "voice_complaints_by_agency", title, note, unit="agencies")
    )
    view = shown.pivot_table(index="agency", columns="quarter", values="complaints", aggfunc="sum").reset_index()
    view.columns.name = None
    view["compliments"] = view["agency"].map(shown.groupby("agency")["compliments"].sum())
    return display.styled(view, "Complaints by agency and quarter; compliments over the four quarters")


def show_visits(ctx: Any, res: LearningResults) -> Any:
    """Publish ``voice_scrutineer_visits`` (pro-forma, stars, the agency's response); return it.

    Numbers: :func:`~.compute.visits_table`.
    """
    if res.visits is None:
        return _none("scrutineer visits", "visits_path")
    v = res.visits.drop(columns=["overdue_response"]).copy()
    for c in ("went_well", "even_better_if", "agency_response"):
        v[c] = _guard(ctx, v[c], "visit findings")
    title = f"Young scrutineer and assurance visits, 12 months to {res.period.end:%-d %B %Y}"
    shown = ctx.publish.table(
        v,
        _spec(
            res,
            "voice_scrutineer_visits",
            title,
            "Stars from 1 (poor) to 5 (excellent), as the visitors gave them.",
            unit="agencies",
        ),
    )
    view = shown[["visited", "agency", "service", *STAR_COLUMNS, "response"]]
    return display.styled(view, title)


def show_survey(ctx: Any, res: LearningResults) -> Any:
    """Publish ``voice_survey_response`` (by agency against headcount) and ``voice_survey_questions``; return the rates.

    Numbers: :func:`~.compute.survey_response`, :func:`~.compute.survey_questions`.
    """
    if res.survey_rates is None or res.survey_items is None:
        return _none("practitioner survey", "survey_path")
    ctx.publish.table(
        res.survey_items,
        _spec(
            res,
            "voice_survey_questions",
            "Practitioner survey: each question of the bank and the share answering positively",
            "positive: agree or strongly agree (yes for a yes/no question); per cent of those who answered.",
            unit="agencies",
        ),
    )
    title = "Practitioner survey: response rate by agency against the staff in scope"
    shown = ctx.publish.table(
        res.survey_rates,
        _spec(
            res,
            "voice_survey_response",
            title,
            "response_rate: respondents as a per cent of headcount.",
            unit="agencies",
        ),
    )
    return display.styled(shown, title, decimals=1)


def show_training(ctx: Any, res: LearningResults) -> Any:
    """Publish ``voice_training_by_agency`` and ``voice_training_by_course``; return by course.

    Numbers: :func:`~.compute.training_reach`.
    """
    if res.training_agency is None or res.training_course is None:
        return _none("training evaluation", "training_path")
    note = (
        "Confidence self-rated 1 (not at all) to 5 (very) before and after; follow-up about three months on, of "
        "those who answered it."
    )
    ctx.publish.table(
        res.training_agency,
        _spec(
            res,
            "voice_training_by_agency",
            "Multi-agency training: reach and confidence by agency",
            note,
            unit="agencies",
        ),
    )
    title = f"Multi-agency training: reach and confidence by course, 12 months to {res.period.end:%-d %B %Y}"
    shown = ctx.publish.table(res.training_course, _spec(res, "voice_training_by_course", title, note, unit="agencies"))
    return display.styled(shown, title, decimals=2)


# --------------------------------------------------------------------------- flags
def _flag(**kw: Any) -> dict[str, Any]:
    base = {
        "lower": pd.NA,
        "upper": pd.NA,
        "effect": pd.NA,
        "effect_unit": "",
        "agency": "",
        "statutory_partner": "no",
        "themes": "working_together",
    }
    base.update(kw)
    return base


def flags_data(res: LearningResults) -> pd.DataFrame:
    """The flags of the learning analysis (version 2 columns).

    Concerns: owners with overdue actions (one flag per agency); each action asked again; themes
    whose actions were completed over ``reaudit_after_months`` ago with no evidence of practice
    change; voice themes heard with no action in the ledger; visits with no agency response after
    28 days. Strengths: each outcome for children evidenced by an indicator.
    """
    a = res.actions
    end = pd.Timestamp(res.period.end)
    sp = res.statutory
    rows: list[dict[str, Any]] = []
    for agency, g in a[a["status"].eq("overdue")].groupby("owner_agency", sort=True):
        longest = int(g["days_overdue"].max())
        n = len(g)
        rows.append(
            _flag(
                category="actions overdue",
                subject=agency,
                measure="overdue actions",
                value=n,
                severity="high" if longest > 90 else "medium",
                evidence="strong",
                direction="concern",
                statement=f"{agency} has {n} overdue action{'s' if n != 1 else ''} in the partnership ledger, the "
                f"longest {longest} days past its due date.",
                evidence_table="learning_actions",
                evidence_key=f"owner_agency={agency};status=overdue",
                effect=longest,
                effect_unit="days overdue (longest)",
                affected=n,
                agency=agency,
                statutory_partner="yes" if agency in sp else "no",
                themes=";".join(sorted({t for ts in g["themes"] for t in ts.split(";")})),
                first_period=period_of(g["due"].min() + pd.Timedelta(days=1)),
            )
        )
    # one flag per agency (the flag's key, analysis + category + subject + measure, names one flag), as for overdue
    ids = a.set_index("action_id")
    for agency, g in a[a["repeated"].eq("yes")].groupby("owner_agency", sort=True):
        n = len(g)
        pairs = "; ".join(
            f"{r['action_id']} (from {r['source_ref']}) repeats {r['repeats']} (after "
            f"{ids.loc[r['repeats'], 'source_ref']}, now {ids.loc[r['repeats'], 'status']})"
            for _, r in g.iterrows()
        )
        first_asked = g["repeats"].map(ids["created"])
        rows.append(
            _flag(
                category="same action again",
                subject=agency,
                measure="actions asked again",
                value=n,
                severity="medium",
                evidence="strong",
                direction="concern",
                statement=f"{agency} was asked {n} time{'s' if n != 1 else ''} to do what an earlier action already "
                f"asked: {pairs}.",
                evidence_table="learning_actions",
                evidence_key=f"owner_agency={agency};repeated=yes",
                effect=int((g["created"] - first_asked).dt.days.max()),
                effect_unit="days since first asked (longest)",
                affected=2 * n,
                agency=agency,
                statutory_partner="yes" if agency in sp else "no",
                themes=";".join(sorted({t for ts in g["themes"] for t in ts.split(";")})),
                first_period=period_of(g["created"].min()),
            )
        )
    months = res.settings.reaudit_after_months
    old = a[
        a["status"].isin(["completed", "completed late"])
        & a["impact"].isin(["none yet", "output delivered"])
        & (a["completed"] + pd.DateOffset(months=months) <= end)
    ]
    themed = old.assign(theme=old["themes"].str.split(";")).explode("theme")
    for theme, g in themed.groupby("theme", sort=True):
        done = a[a["status"].isin(["completed", "completed late"]) & a["themes"].str.contains(theme)]
        rows.append(
            _flag(
                category="impact not evidenced",
                subject=theme,
                measure="completed actions without evidence of practice change",
                value=len(g),
                severity="low" if len(g) < 5 else "medium",
                evidence="moderate",
                direction="concern",
                statement=f"{len(g)} of {len(done)} completed actions on {theme.replace('_', ' ')} were completed more "
                f"than {months} months ago with no evidence yet that practice changed.",
                evidence_table="learning_reaudit_proposals",
                evidence_key=f"themes~{theme}",
                effect=round(100 * len(g) / len(done), 1),
                effect_unit="per cent of completed actions",
                affected=len(g),
                themes=theme,
                first_period=period_of(g["completed"].min() + pd.DateOffset(months=months)),
            )
        )
    for _, r in a[a["impact"].eq("outcome for children")].iterrows():
        ind = res.framework.indicators.get(r["impact_evidence"], r["impact_evidence"])
        rows.append(
            _flag(
                category="outcome evidenced",
                subject=r["owner_agency"],
                measure="outcome for children seen in an indicator",
                value=1,
                severity="medium",
                evidence="moderate",
                direction="strength",
                statement=f"Action {r['action_id']} ({r['owner_agency']}) is followed by an outcome for children in "
                f"the indicator '{ind}'.",
                evidence_table="learning_impact_log",
                evidence_key=f"action_id={r['action_id']}",
                affected=1,
                agency=r["owner_agency"],
                statutory_partner="yes" if r["owner_agency"] in sp else "no",
                themes=r["themes"],
                first_period=period_of(r["evidence_date"]),
            )
        )
    y = res.you_said
    for _, r in y[y["we_did_not_do"].eq("no action in the ledger")].iterrows() if len(y) else []:
        heard = int(r["voices"]) + int(r["complaints"])
        if heard < 3:
            continue
        rows.append(
            _flag(
                category="voice without response",
                subject=r["voice_theme"],
                measure="voices and complaints with no action",
                value=heard,
                severity="medium",
                evidence="indicative",
                direction="concern",
                statement=f"'{r['voice_theme']}' was raised {heard} times in the last 12 months (quotes and "
                "complaints) and no action in the ledger answers it.",
                evidence_table="voice_you_said_we_did",
                evidence_key=f"voice_theme={r['voice_theme']}",
                affected=heard,
                themes=r["themes"],
                first_period=res.period.label,
            )
        )
    if res.visits is not None:
        for _, r in res.visits[res.visits["overdue_response"]].iterrows():
            rows.append(
                _flag(
                    category="visit without response",
                    subject=r["agency"],
                    measure="scrutineer visit with no agency response",
                    value=1,
                    severity="low",
                    evidence="strong",
                    direction="concern",
                    statement=f"{r['agency']} has not responded to the {r['visited_by']} visit to its {r['service']} "
                    f"({r['response']}).",
                    evidence_table="voice_scrutineer_visits",
                    evidence_key=f"agency={r['agency']};visited={r['visited']}",
                    affected=1,
                    agency=r["agency"],
                    statutory_partner="yes" if r["agency"] in sp else "no",
                    first_period=period_of(pd.Timestamp(r["visited"]) + pd.Timedelta(days=29)),
                )
            )
    cols = [c for c in (*FLAG_COLUMNS, *FLAG_V2_COLUMNS) if c != "analysis"]  # the publisher adds analysis
    return pd.DataFrame(rows, columns=cols)


def publish_flags(ctx: Any, res: LearningResults) -> Any:
    """Write ``flags_learning.csv`` (concerns and strengths, version 2 columns); return it styled. Numbers: :func:`flags_data`."""
    shown = ctx.publish.flags(flags_data(res), unit="actions", source=res.source)
    cols = ["direction", "category", "subject", "statement", "evidence", "first_period"]
    return display.styled(shown[cols], f"Flags raised by the learning analysis, {res.period.label}")


def method_notes_markdown(res: LearningResults) -> str:
    """The "Method and caveats" section as Markdown (from the settings this run used)."""
    s = res.settings
    gaps = ", ".join(res.gaps) if res.gaps else "none"
    return "\n".join(
        [
            f"- **As at the period end ({res.period.end:%-d %B %Y}).** Actions created later are left out; a completion "
            "or an impact dated later does not count yet.",
            "- **Status is derived, never typed.** Completed on or before the due date: completed; after it: completed "
            f"late; open past the due date: overdue; due within {s.due_soon_days} days: due soon; otherwise on track.",
            "- **Carried forward.** Created in an earlier financial year and still open when this year began.",
            f"- **Same action again.** Same owner agency, a different recommendation or finding, and at least "
            f"{s.repeat_overlap:.0%} of the shorter action's words (four letters or more, common words left out; at least "
            "three) in the earlier action.",
            "- **Impact scale.** None yet; output delivered (the action was completed); practice change (named re-audit, "
            "dated on or after completion); outcome for children (named indicator and the date it showed it). The ledger "
            "is refused if a grade above output names no evidence, or an action not completed is graded.",
            f"- **Re-audits.** Proposed for each recommendation whose completed actions show no practice change, "
            f"{s.reaudit_after_months} months after the last completion and not before next quarter.",
            "- **Voice.** Only quotes given with consent to share are published, and only those the redaction guard "
            "clears unchanged; feedback themes must fit the activity's audience.",
            f"- **Inputs not given this period (gaps):** {gaps}.",
        ]
    )


def method_notes(res: LearningResults) -> Any:
    """The "Method and caveats" section for display. Numbers: :func:`method_notes_markdown`."""
    return display.markdown(method_notes_markdown(res))
