"""What notebook 02 calls: read and analyse once, then publish one section per call.

Every ``show_*`` function publishes through ``ctx.publish`` (tables ``section11_*``, unit
``agencies``, rule ``organisations``: agency ratings are not personal data and are not
suppressed) and returns what the notebook displays: the published frame (through :func:`assurance_lib.display.styled`:
captioned, cells in full) or the published chart.
Free text (agencies' evidence narratives, moderation notes) is never published; action text and
action owners reach ``shareable/`` only through the redaction guard.
"""

from __future__ import annotations

import re
from typing import Any

import pandas as pd

from .. import charts, display
from ..tables import TableSpec, page_view
from . import analysis as A
from .compute import Section11Results, compute, load, trend_summary
from .settings import Settings

__all__ = [
    "Section11Results",
    "analyse",
    "show_returns_received",
    "show_heatmap",
    "show_ratings",
    "show_weakest_standards",
    "chart_weakest_standards",
    "show_moderation",
    "show_moderation_crosstab",
    "show_evidence",
    "show_trends",
    "show_triangulation",
    "show_shortlist",
    "show_action_plan",
    "show_action_history",
    "write_scorecards",
    "publish_flags",
    "method_notes",
    "scorecard_markdown",
    "scorecard_html",
    "heatmap_categories",
    "risk_rules_data",
    "slug",
]

_WITHHELD = "[withheld]"


def analyse(ctx: Any) -> Section11Results:
    """Settings from the notebook's parameters, the inputs they name, and every Section 11 result.

    :class:`~.settings.Settings` -> :func:`~.compute.load` -> :func:`~.compute.compute`.

    Raises
    ------
    InputError
        Bad parameters or inputs (every problem), or a ``cycle`` with no returns.
    """
    settings = Settings.from_params(ctx.params)
    return compute(load(settings), settings, ctx.config.period, partnership=ctx.config.partnership)


def _styled(frame: pd.DataFrame, caption: str) -> Any:
    """A frame for display through the one table renderer, :func:`assurance_lib.display.styled`:
    captioned, plain headings, no index, every cell in full and escaped, 3 decimals."""
    return display.styled(frame, caption, decimals=3, uid=_uid(caption))


def _pub(ctx: Any, df: pd.DataFrame, spec: TableSpec, **kw: Any) -> Any:
    """Publish ``df`` and return the published frame for display: the spec's page columns, when it
    declares them, with a line naming the CSV (see :func:`assurance_lib.display.published`)."""
    return display.published(ctx.publish.table(df, spec, **kw), spec, decimals=3, uid=_uid(spec.title))


def _uid(caption: str) -> str:
    return "s11_" + re.sub(r"[^a-z0-9]+", "_", caption.lower())[:40]


def _spec(
    res: Section11Results,
    name: str,
    title: str,
    notes: str = "",
    page: tuple[str, ...] = (),
) -> TableSpec:
    """An ``organisations`` table of this analysis; ``page``: the columns a page shows
    (:attr:`~assurance_lib.tables.TableSpec.page_columns`, headed as :data:`_PAGE_LABELS` says where the
    workbench's own heading would not read plainly), the CSV
    keeping every column."""
    return TableSpec(
        name=name,
        title=title,
        unit="agencies",
        rule="organisations",
        source=res.source,
        notes=notes,
        **page_view(page, _PAGE_LABELS),
    )


RETURNS_PAGE = ("agency", "sector", "deadline", "date_received", "days_late", "standards_rated", "complete", "status")
"""The columns of ``section11_returns_received`` a page shows (the CSV has every column)."""
ACTION_PLAN_PAGE = ("agency", "standard_title", "rating", "action", "owner", "due_date", "overdue")
"""The columns of ``section11_action_plan`` a page shows."""
ACTION_HISTORY_PAGE = (
    "agency",
    "standard_title",
    "status",
    "not_met_cycles",
    "previous_action",
    "previous_action_outcome",
    "action",
    "same_action_again",
)
"""The columns of ``section11_action_history`` a page shows."""
_PAGE_LABELS = {
    "date_received": "Received",
    "standard_title": "Standard",
    "rating": "Rating of record",
    "due_date": "Due",
    "previous_action": "Previous cycle's action",
    "previous_action_outcome": "What became of it",
    "not_met_cycles": "Cycles not met",
}


def show_returns_received(ctx: Any, res: Section11Results) -> Any:
    """Publish ``section11_returns_received`` (one row per agency in the register) and return it."""
    counts = res.received["status"].value_counts()
    note = "Status against the register's deadline. " + ", ".join(f"{k}: {int(v)}" for k, v in counts.items()) + "."
    return _pub(
        ctx,
        res.received,
        _spec(
            res,
            "section11_returns_received",
            f"Section 11 returns received, cycle {res.cycle}",
            note,
            page=RETURNS_PAGE,
        ),
    )


HEATMAP_COLOURS = {"not met": "#F46A25", "partially met": "#FBD0B9", "fully met": "#DCE7F1"}
"""Colour of each status in the heatmap: "not met" the most salient (Analysis Function orange), met the palest."""


def heatmap_categories(res: Section11Results) -> list[tuple[str, str]]:
    """The heatmap's legend: each level of the scales in use (worst first) with its status's colour."""
    out: list[tuple[str, str]] = []
    for sid in res.framework.standard_ids:
        sc = res.framework.scale_of(sid)
        for lv in sorted(sc.levels, key=lambda x: x.position):
            if lv.label not in [n for n, _ in out]:
                out.append((lv.label, HEATMAP_COLOURS.get(lv.status, "#FFFFFF")))
    return out


def show_heatmap(ctx: Any, res: Section11Results) -> Any:
    """Publish the partnership heatmap: one colour per level of the scale, "not met" the most salient.

    Numbers: :func:`~.analysis.heatmap_data` (levels, cell labels and the data table beside the chart).
    """
    levels, lab, data = A.heatmap_data(res.current, res.framework)
    cats = heatmap_categories(res)
    missing = int((res.received["status"] == "missing").sum())
    nm = data[data["rating"].isin([n for n, c in cats if c == HEATMAP_COLOURS["not met"]])]
    worst = nm.groupby("agency").size().sort_values(ascending=False)
    chart = charts.category_heatmap(
        levels,
        categories=cats,
        labels=lab,
        data=data,
        name="section11_heatmap",
        legend_title="Rating of record",
        title=f"Section 11 ratings by agency and standard, cycle {res.cycle}",
        subtitle=(
            f"Rating of record; orange = not met. Cells show the rating's short form; * = set by the challenge panel. "
            f"{missing} agencies with missing returns are not shown."
        ),
        source=res.source,
        alt=(
            f"Grid of {levels.shape[0]} agencies by {levels.shape[1]} standards, each cell coloured by the rating "
            f"({', '.join(n for n, _ in cats)}) and labelled with its short form; an asterisk marks a rating set by the "
            f"challenge panel. {len(nm)} ratings are not met"
            + (f", most of them at {worst.index[0]} ({int(worst.iloc[0])})" if len(worst) else "")
            + "."
        ),
    )
    return ctx.publish.figure(chart)


def show_ratings(ctx: Any, res: Section11Results) -> Any:
    """Publish ratings by agency x standard, by agency, by domain and by sector; return the domain table."""
    basis = "Rating of record: the panel's moderated rating where moderated, else the self-rating."
    _pub(
        ctx,
        res.ratings,
        _spec(
            res,
            "section11_ratings",
            f"Section 11 ratings by agency and standard, {res.cycle}",
            basis + " 'unverified' = self-rated fully met with no evidence.",
        ),
    )
    _pub(
        ctx,
        res.agencies,
        _spec(
            res,
            "section11_agencies",
            f"Section 11 ratings by agency, {res.cycle}",
            basis + " Grouped by scale: ratings on different scales are never pooled.",
        ),
    )
    _pub(
        ctx,
        res.sectors,
        _spec(res, "section11_sectors", f"Section 11 ratings by sector, {res.cycle}", basis + " Grouped by scale."),
    )
    return _pub(
        ctx,
        res.domains,
        _spec(
            res,
            "section11_domains",
            f"Section 11 ratings by risk domain, {res.cycle}",
            basis + " Standards are mapped to domains by the framework's crosswalk; a standard may count in several "
            "domains. Grouped by scale.",
        ),
    )


def show_weakest_standards(ctx: Any, res: Section11Results) -> Any:
    """Publish ``section11_standards`` (weakest first) and return it."""
    return _pub(
        ctx,
        res.standards,
        _spec(
            res,
            "section11_standards",
            f"Section 11 standards, weakest first, {res.cycle}",
            "Share of agencies fully meeting each standard (rating of record); median position on the standard's own scale "
            "(0 worst, 1 best).",
        ),
    )


def chart_weakest_standards(ctx: Any, res: Section11Results) -> Any:
    """Publish a bar chart of the share of agencies fully meeting each standard."""
    d = res.standards.assign(
        label=res.standards["standard"] + " " + res.standards["standard_title"],
        percent=(res.standards["share_fully_met"] * 100).round(0),
    )
    w = d.iloc[0]
    chart = charts.bar(
        d[["label", "percent", "fully_met", "agencies_rated"]],
        x="percent",
        y="label",
        name="section11_standards_fully_met",
        xlabel="Agencies fully meeting the standard (%)",
        title=f"{w['standard_title']} is the standard least often fully met",
        subtitle=f"Percentage of agencies fully meeting each standard, rating of record, cycle {res.cycle}",
        source=res.source,
        value_format="{:.0f}%",
        alt=(
            f"Bar chart of {len(d)} standards ordered weakest first. {w['standard_title']} is fully met by "
            f"{int(w['fully_met'])} of {int(w['agencies_rated'])} agencies ({w['percent']:.0f}%); "
            f"the strongest, {d.iloc[-1]['standard_title']}, by {d.iloc[-1]['percent']:.0f}%."
        ),
    )
    return ctx.publish.figure(chart)


def _subset_note(res: Section11Results) -> str:
    return (
        f"Moderated subset only: {int(res.current['reviewed'].sum())} of {len(res.current)} ratings of "
        f"{res.current.loc[res.current['reviewed'], 'agency'].nunique()} agencies were reviewed by the panel. "
        "Over-rating = moderated rating lower than the self-rating on the same scale. Agencies not reviewed are "
        "not shown: their over-rating is unknown, not zero."
    )


def show_moderation(ctx: Any, res: Section11Results) -> Any:
    """Publish ``section11_moderation`` (by agency, sector and overall, moderated subset only) and return it."""
    return _pub(
        ctx,
        res.moderation,
        _spec(res, "section11_moderation", f"Moderation of Section 11 self-ratings, {res.cycle}", _subset_note(res)),
    )


def show_moderation_crosstab(ctx: Any, res: Section11Results) -> Any:
    """Publish ``section11_moderation_crosstab`` (self-rating x moderated rating, per scale) and return it."""
    return _pub(
        ctx,
        res.crosstab,
        _spec(
            res,
            "section11_moderation_crosstab",
            f"Self-rating against moderated rating, {res.cycle}",
            _subset_note(res),
        ),
    )


def show_evidence(ctx: Any, res: Section11Results) -> Any:
    """Publish ``section11_evidence`` (ratings without evidence, unverified fully met) and return it."""
    return _pub(
        ctx,
        res.evidence,
        _spec(
            res,
            "section11_evidence",
            f"Evidence completeness by agency, {res.cycle}",
            "A rating has evidence when a narrative or a document reference was given (the narratives are not published). "
            "Unverified = self-rated fully met with no evidence.",
        ),
    )


def show_trends(ctx: Any, res: Section11Results) -> Any:
    """Publish the trend per agency x standard and per agency; return the per-agency summary.

    Numbers: :func:`~.analysis.trends` (``res.trends``) and :func:`~.compute.trend_summary`.
    """
    t = res.trends
    if res.previous is None:
        _pub(
            ctx,
            t,
            _spec(
                res,
                "section11_trends",
                f"Change since the previous cycle, {res.cycle}",
                "The returns hold no earlier cycle: there is no change to show yet.",
            ),
        )
        return _styled(
            pd.DataFrame(
                {
                    "note": [
                        f"The returns hold one cycle ({res.cycle}): change since the previous cycle, "
                        "declines and persistent non-compliance need an earlier cycle."
                    ]
                }
            ),
            "Change since the previous cycle",
        )
    note = (
        f"Own trend = the agency's own self-rating in {res.cycle} against its own in {res.previous}; trend = the "
        "rating of record (which the panel's moderation can move); panel effect = what the panel did to this cycle's "
        "self-rating. A decline is counted on the agency's own ratings only. Rating of record in {res.cycle} against {res.previous or 'no previous cycle'}, compared on the standard's "
        "own scale."
    )
    _pub(ctx, t, _spec(res, "section11_trends", f"Change since the previous cycle, {res.cycle}", note))
    return _pub(
        ctx,
        trend_summary(t),
        _spec(res, "section11_trend_summary", f"Standards improved and declined by agency, {res.cycle}", note),
    )


def show_triangulation(ctx: Any, res: Section11Results) -> Any:
    """Publish the comparison of self-ratings with practitioner survey answers (when a survey was given)."""
    if res.triangulation is None:
        return _styled(
            pd.DataFrame(
                {
                    "note": [
                        "No practitioner survey answers were given for this run (survey_path is empty or has no rows)."
                    ]
                }
            ),
            "Practitioner survey",
        )
    s = res.run_settings
    return _pub(
        ctx,
        res.triangulation,
        _spec(
            res,
            "section11_triangulation",
            f"Self-ratings against practitioners' answers, {res.cycle}",
            f"Agreement = share of answers agreeing, on the question's own scale, for agency x standard groups of at least "
            f"{s['survey_min_respondents']} respondents (smaller groups are not compared). A contradiction is a fully met "
            f"self-rating with agreement below {s['low_agreement']:.0%}, or a not met self-rating with agreement of "
            f"{s['high_agreement']:.0%} or more.",
        ),
    )


def risk_rules_data(res: Section11Results) -> pd.DataFrame:
    """The risk ranking's rules: each reason, its points and why (from the framework file's ``risk`` block)."""
    s = res.run_settings
    units = {
        "persistent_not_met": f"per standard not met {s['persistent_cycles']} or more cycles running",
        "statutory_partner": "once, for a statutory partner with at least one other reason",
        "over_rating": "per standard the panel lowered (unknown, no points, when not moderated)",
        "missing_evidence": "per rating without evidence",
        "non_return": "missing return (late: a quarter)",
        "actions_overdue": "per action overdue",
        "actions_repeated": "per standard with the same action again",
        "own_declines": "per standard the agency's own rating fell",
    }
    return pd.DataFrame(
        {
            "reason": list(s["weights"]),
            "points": [s["weights"][k] for k in s["weights"]],
            "counted": [units.get(k, "") for k in s["weights"]],
            "rationale": [s["rationale"].get(k, "") for k in s["weights"]],
        }
    )


def show_shortlist(ctx: Any, res: Section11Results) -> Any:
    """Publish the risk rules and the full risk ranking; return the shortlist with each agency's reasons and place.

    Numbers: :func:`~.analysis.risk_ranking` and :func:`risk_rules_data`.
    """
    rules = ctx.publish.table(
        risk_rules_data(res),
        _spec(
            res,
            "section11_risk_rules",
            "Risk ranking rules: points per reason and why",
            "From the framework file's risk block; a reason found scores its points, the score is their sum.",
        ),
    )
    note = (
        "Score = the sum of each reason's points (section11_risk_rules). Columns persistent_not_met to own_declines "
        "count what each reason found; over_rating is empty where the panel did not moderate the agency (unknown, "
        "not zero). Declines are the agency's own ratings only; ratings the panel lowered count as over-rating. "
        "Ties share a rank; 'place' says why the agency is where it is."
    )
    ranking = ctx.publish.table(
        res.ranking,
        _spec(res, "section11_risk_ranking", f"Risk ranking of agencies for assurance visits, {res.cycle}", note),
    )
    short = ranking[ranking["shortlisted"].astype(str).isin(["True", "true"])][
        ["rank", "agency", "sector", "score", "reasons", "place"]
    ].reset_index(drop=True)
    del rules
    return _styled(short, f"Shortlist for assurance visits, {res.cycle} (from the published risk ranking)")


def show_action_history(ctx: Any, res: Section11Results) -> Any:
    """Publish last cycle's actions matched to this cycle's (same agency and standard) and return it.

    Numbers: :func:`~.analysis.action_history`. Action texts are the agencies' free text: in
    ``shareable/`` they pass the redaction guard (the full table is in ``internal/``).
    """
    h = res.history
    if res.run_settings["cycles_in_returns"] < 2 or res.previous is None:
        return _styled(
            pd.DataFrame(
                {
                    "note": [
                        f"The returns hold one cycle ({res.cycle}): actions across cycles need an "
                        "earlier cycle, so there is nothing to carry forward yet."
                    ]
                }
            ),
            "Actions across cycles",
        )
    ctx.publish.internal_table(h, "section11_action_history_full")
    shown = h.copy()
    shown["previous_action"], n1 = _guard(h["previous_action"], ctx)
    shown["action"], n2 = _guard(h["action"], ctx)
    s = res.run_settings
    note = (
        f"Each {res.previous} action matched to the {res.cycle} return (same agency and standard). Same action again = "
        f"normalised text similarity (difflib ratio) at least {s['repeat_similarity']:g}. Completed late = the "
        f"agency's completion date after the due date; overdue = not completed and due before "
        f"{ctx.config.period.end:%d %B %Y}. {n1 + n2} action texts the redaction guard could not clear show as "
        f"{_WITHHELD}."
    )
    return _pub(
        ctx,
        shown,
        _spec(
            res,
            "section11_action_history",
            f"Actions across cycles, {res.previous} to {res.cycle}",
            note,
            page=ACTION_HISTORY_PAGE,
        ),
    )


def _guard(texts: pd.Series, ctx: Any) -> tuple[pd.Series, int]:
    from .. import disclosure

    ids = ctx.publish.identifiers()
    out, withheld = [], 0
    for t in texts:
        if t is None or (not isinstance(t, str) and pd.isna(t)):
            out.append(pd.NA)
            continue
        r = disclosure.redact(str(t), ids)
        if r.withheld or not r.text.strip():
            withheld += 1
            out.append(_WITHHELD)
        else:
            out.append(r.text.strip())
    return pd.Series(out, index=texts.index, dtype="string"), withheld


def show_action_plan(ctx: Any, res: Section11Results) -> Any:
    """Publish the action plan extract (standards not or partially met) and return it.

    The true extract (with the agencies' action text and owners) goes to ``internal/tables``; in
    ``shareable/`` the action text and owner pass the redaction guard, and what it cannot clear
    shows as ``[withheld]``.
    """
    a = res.actions
    ctx.publish.internal_table(a, "section11_action_plan_full")
    shown = a.copy()
    shown["action"], n1 = _guard(a["action"], ctx)
    shown["owner"], n2 = _guard(a["owner"], ctx)
    note = (
        f"Standards not met or partially met (rating of record). Overdue = due before {ctx.config.period.end:%d %B %Y}. "
        f"Action text and owners are the agencies' free text: {n1 + n2} entries the redaction guard could not clear "
        f"show as {_WITHHELD} (the full extract is in the internal tables)."
    )
    if n1 + n2:
        ctx.publish._log(f"section11_action_plan: {n1 + n2} free-text entries withheld")
    return _pub(
        ctx,
        shown,
        _spec(
            res,
            "section11_action_plan",
            f"Section 11 action plan extract, {res.cycle}",
            note,
            page=ACTION_PLAN_PAGE,
        ),
        internal=False,
    )


def slug(name: str) -> str:
    """A file-name slug for an agency (lower case letters, digits and underscores).

    Examples
    --------
    >>> slug("Northshire Council Children's Social Care")
    'northshire_council_childrens_social_care'
    """
    s = re.sub(r"[^a-z0-9]+", "_", name.lower().replace("'", "")).strip("_")
    return s or "agency"


def _md_table(df: pd.DataFrame) -> str:
    cols = list(df.columns)
    lines = ["| " + " | ".join(cols) + " |", "|" + "|".join("---" for _ in cols) + "|"]
    for _, r in df.iterrows():
        lines.append(
            "| "
            + " | ".join("" if (not isinstance(v, str) and pd.isna(v)) else str(v).replace("|", "/") for v in r)
            + " |"
        )
    return "\n".join(lines)


def _dates_note(rec: pd.Series) -> str:
    parts = []
    if pd.notna(rec["deadline"]):
        parts.append(f"deadline {rec['deadline']}")
    if pd.notna(rec["date_received"]):
        parts.append(f"received {rec['date_received']}")
    return f" ({', '.join(parts)})" if parts else ""


def scorecard_markdown(res: Section11Results, agency: str, partnership: str) -> str:
    """The feedback scorecard for one agency, as Markdown (organisation ratings, no free text)."""
    rec = res.received[res.received["agency"] == agency].iloc[0]
    lines = [
        f"# Section 11 feedback scorecard: {agency}",
        "",
        f"{partnership}. Self-assessment cycle {res.cycle}; framework: {res.framework.title}.",
        "",
        f"- Sector: {rec['sector']}",
        f"- Return: {rec['status']}" + _dates_note(rec),
        f"- Standards rated: {int(rec['standards_rated'])} of {int(rec['standards_in_framework'])}",
    ]
    rk = res.ranking[res.ranking["agency"] == agency]
    if len(rk):
        r = rk.iloc[0]
        lines.append(
            f"- Selected for an assurance visit: {'yes' if bool(r['shortlisted']) else 'no'}"
            f" (reasons considered: {r['reasons']})"
        )
    lines.append("")
    c = res.ratings[res.ratings["agency"] == agency]
    if c.empty:
        lines += ["No ratings were received for this cycle.", ""]
        return "\n".join(lines) + "\n"
    t = res.trends[res.trends["agency"] == agency][["standard", "previous_rating", "trend"]]
    tab = c.merge(t, on="standard", how="left")
    tab = tab.assign(
        moderated_rating=tab["moderated_rating"].fillna(tab["moderation"]),
        evidence=tab["evidence"] + tab["unverified"].map({True: " (unverified)", False: ""}),
    )
    tab = tab[
        [
            "standard",
            "standard_title",
            "self_rating",
            "moderated_rating",
            "rating",
            "evidence",
            "previous_rating",
            "trend",
        ]
    ]
    tab.columns = [
        "Standard",
        "Title",
        "Self-rating",
        "Moderated",
        "Rating of record",
        "Evidence",
        f"Rating {res.previous or 'previously'}",
        "Trend",
    ]
    full = int((c["status"] == "fully met").sum())
    lines += ["## Ratings", "", f"{full} of {len(c)} standards fully met (rating of record).", "", _md_table(tab), ""]
    m = res.moderation[(res.moderation["level"] == "agency") & (res.moderation["agency"] == agency)]
    lines += ["## Moderation", ""]
    if m.empty:
        lines += ["The challenge panel did not review this agency's return this cycle.", ""]
    else:
        mm = m.iloc[0]
        lines += [
            f"The panel reviewed {int(mm['reviewed'])} ratings and gave {int(mm['moderated_ratings'])} ratings: "
            f"{int(mm['agreed'])} agreed, {int(mm['over_rated'])} lowered, {int(mm['under_rated'])} raised; "
            f"evidence was requested on {int(mm['evidence_requested'])}.",
            "",
        ]
    if res.triangulation is not None:
        tri = res.triangulation[(res.triangulation["agency"] == agency) & (res.triangulation["contradiction"] != "")]
        lines += ["## Practitioner survey", ""]
        if tri.empty:
            lines += [
                "No standard where practitioners' answers contradict the self-rating "
                f"(groups of at least {res.run_settings['survey_min_respondents']} respondents).",
                "",
            ]
        else:
            tt = tri[["standard", "self_rating", "respondents", "agreement", "contradiction"]].assign(
                agreement=(tri["agreement"] * 100).round(0).astype(int).astype(str) + "%"
            )
            lines += [_md_table(tt), ""]
    act = res.actions[res.actions["agency"] == agency]
    lines += ["## Actions", ""]
    if act.empty:
        lines += ["No standard is rated not met or partially met.", ""]
    else:
        at = act[["standard", "standard_title", "rating", "action_recorded", "due_date", "overdue"]].assign(
            action_recorded=act["action_recorded"].map({True: "yes", False: "no: please agree one"}),
            overdue=act["overdue"].map({True: "yes", False: "no"}),
        )
        at.columns = ["Standard", "Title", "Rating", "Action recorded", "Due", "Overdue"]
        lines += [_md_table(at), ""]
    return "\n".join(lines) + "\n"


def scorecard_letter(res: Section11Results, agency: str, partnership: str) -> tuple[str, list[Any]]:
    """One agency's feedback letter and scorecard: its title and blocks (organisation ratings, no free text).

    Rendered by :func:`scorecard_html` (the web page) and :func:`scorecard_word` (the Word document).
    """
    from . import letters as L

    rec = res.received[res.received["agency"] == agency].iloc[0]
    body = [
        L.paragraph(
            f"{partnership}. Section 11 self-assessment, cycle {res.cycle}; framework: {res.framework.title}.", "meta"
        ),
        L.heading("Feedback"),
        L.paragraph(
            f"To the safeguarding lead of {agency}: thank you for your Section 11 self-assessment. This page "
            "sets out your ratings as the partnership holds them after the challenge panel's moderation, what "
            "changed since the previous cycle and the actions we will follow up."
            if int(rec["standards_rated"])
            else f"To the safeguarding lead of {agency}: we have not received your Section 11 self-assessment for "
            f"this cycle" + _dates_note(rec) + ". Please send it, or tell us when it will arrive."
        ),
        L.bullets(
            [
                f"Sector: {rec['sector']}",
                f"Return: {rec['status']}" + _dates_note(rec),
                f"Standards rated: {int(rec['standards_rated'])} of {int(rec['standards_in_framework'])}",
            ]
        ),
    ]
    rk = res.ranking[res.ranking["agency"] == agency]
    if len(rk):
        r = rk.iloc[0]
        body += [
            L.heading("Assurance visit"),
            L.paragraph(
                (
                    "Selected for an assurance visit"
                    if bool(r["shortlisted"])
                    else "Not selected for an assurance visit this cycle"
                )
                + f" ({r['place']})."
            ),
            L.paragraph(f"Reasons considered: {r['reasons']}." + (f" Also: {r['unknown']}." if r["unknown"] else "")),
        ]
    c = res.ratings[res.ratings["agency"] == agency]
    if c.empty:
        return f"Section 11 feedback: {agency}", body + [L.paragraph("No ratings were received for this cycle.")]
    t = res.trends[res.trends["agency"] == agency][["standard", "previous_self_rating", "own_trend"]]
    tab = c.merge(t, on="standard", how="left")
    tab = tab.assign(
        moderated_rating=tab["moderated_rating"].fillna(tab["moderation"]),
        evidence=tab["evidence"] + tab["unverified"].map({True: " (unverified)", False: ""}),
    )
    tab = tab[
        ["standard_title", "self_rating", "moderated_rating", "rating", "evidence", "previous_self_rating", "own_trend"]
    ]
    tab.columns = [
        "Standard",
        "Your rating",
        "Panel",
        "Rating of record",
        "Evidence",
        f"Your rating {res.previous or 'previously'}",
        "Your trend",
    ]
    full = int((c["status"] == "fully met").sum())
    body += [
        L.heading("Ratings"),
        L.paragraph(f"{full} of {len(c)} standards fully met (rating of record)."),
        L.table(tab, f"Ratings of {agency}, cycle {res.cycle}"),
    ]
    m = res.moderation[(res.moderation["level"] == "agency") & (res.moderation["agency"] == agency)]
    body.append(L.heading("Moderation"))
    if m.empty:
        body.append(
            L.paragraph(
                "The challenge panel did not review your return this cycle: how far your self-ratings "
                "would survive moderation is unknown."
            )
        )
    else:
        mm = m.iloc[0]
        body.append(
            L.paragraph(
                f"The challenge panel reviewed {int(mm['reviewed'])} ratings and gave {int(mm['moderated_ratings'])}: "
                f"it agreed {int(mm['agreed'])}, lowered {int(mm['over_rated'])} and raised "
                f"{int(mm['under_rated'])}; it asked for evidence on {int(mm['evidence_requested'])}."
            )
        )
    h = res.history[res.history["agency"] == agency] if not res.history.empty else res.history
    if res.previous is not None and not h.empty:
        hh = h[["standard_title", "not_met_cycles", "previous_action_outcome", "same_action_again"]].assign(
            same_action_again=h["same_action_again"].map({True: "yes", False: "no"})
        )
        hh.columns = ["Standard", "Cycles running not met", f"Your {res.previous} action", "Same action promised again"]
        body += [
            L.heading("Actions carried forward"),
            L.table(hh, f"Actions of {agency} carried forward from {res.previous}"),
        ]
    act = res.actions[res.actions["agency"] == agency]
    body.append(L.heading("Actions this cycle"))
    if act.empty:
        body.append(L.paragraph("No standard is rated not met or partially met."))
    else:
        at = act[["standard_title", "rating", "action_recorded", "due_date", "overdue"]].assign(
            action_recorded=act["action_recorded"].map({True: "yes", False: "no: please agree one"}),
            overdue=act["overdue"].map({True: "yes", False: "no"}),
        )
        at.columns = ["Standard", "Rating", "Action recorded", "Due", "Overdue"]
        body.append(L.table(at, f"Actions of {agency}, cycle {res.cycle}"))
    return f"Section 11 feedback: {agency}", body


def scorecard_html(res: Section11Results, agency: str, partnership: str) -> str:
    """One agency's feedback letter and scorecard as an accessible web page (see :func:`scorecard_letter`)."""
    from . import letters as L

    return L.page(*scorecard_letter(res, agency, partnership))


def scorecard_word(res: Section11Results, agency: str, partnership: str) -> bytes:
    """One agency's feedback letter and scorecard as a Word document (see :func:`scorecard_letter`)."""
    from . import letters as L

    return L.word(*scorecard_letter(res, agency, partnership))


def write_scorecards(ctx: Any, res: Section11Results) -> Any:
    """Write one feedback letter and scorecard per agency to ``shareable/letters/``, as a web page and a Word document.

    Numbers: :func:`scorecard_letter` (from the published results of this run). Returns the list.
    """
    from . import letters as L

    rows = []
    for agency in sorted(res.register["agency"]):
        name = f"section11_feedback_{slug(agency)}"
        title, body = scorecard_letter(res, agency, ctx.config.partnership)
        ctx.publish.document(name, L.page(title, body), word=L.word(title, body))
        st = res.received.loc[res.received["agency"] == agency, "status"].iloc[0]
        rows.append(
            {"agency": agency, "return_status": st, "page": f"letters/{name}.html", "word": f"letters/{name}.docx"}
        )
    return _styled(pd.DataFrame(rows), "Feedback letters and scorecards written, one page per agency")


def publish_flags(ctx: Any, res: Section11Results) -> Any:
    """Write ``flags_section11.csv`` (standards not met, over-rating, declines, missing returns); return
    the reader's columns of it (:func:`assurance_lib.display.flags`), the file keeping every column."""
    caption = f"Flags raised by the Section 11 analysis, {res.cycle}"
    return display.flags(
        ctx.publish.flags(res.flags, unit="agencies", source=res.source),
        caption,
        analysis="section11",
        uid=_uid(caption),
    )


def method_notes(res: Section11Results) -> Any:
    """The settings this run used (cycle, weights, thresholds), for the method section (styled for display)."""
    s = res.run_settings
    rows = [
        ("Cycle", s["cycle"]),
        ("Previous cycle compared", s["previous_cycle"]),
        ("Framework", f"{res.framework.title} ({len(res.framework.standards)} standards)"),
    ]
    rows += [(f"Points: {k}", f"{v:g} ({s['rationale'].get(k, '')})") for k, v in s["weights"].items()]
    rows += [
        ("Persistent not met: cycles running", str(s["persistent_cycles"])),
        ("Same action again: text similarity at least", f"{s['repeat_similarity']:g}"),
    ]
    rows += [
        ("Shortlist size", str(s["shortlist_size"])),
        ("Over-rating flag threshold", f"{s['over_rating_threshold']:.0%}"),
        ("Decline flag threshold (standards the agency's own rating fell)", str(s["decline_threshold"])),
        ("Survey: minimum respondents per group", str(s["survey_min_respondents"])),
        ("Survey: low / high agreement", f"{s['low_agreement']:.0%} / {s['high_agreement']:.0%}"),
    ]
    return _styled(pd.DataFrame(rows, columns=["setting", "value"]), "Settings of this run")
