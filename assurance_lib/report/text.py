"""The report's prose: the Markdown of each section, the gaps in knowledge and the commentary blocks.

Written from the results (:mod:`.compute`, :mod:`.board`) and from the tables as they were published (so a
suppressed value reads as suppressed); nothing here reads a file or publishes. What reaches the page is
written for a board: no evidence keys, codes, raw numbers or software messages (those go to the run log).
"""

from __future__ import annotations

import sys
from collections.abc import Mapping
from typing import Any

import pandas as pd

from . import board
from .board import fmt_number, plain, sentence
from .compute import ReportResults
from .inputs import SECTIONS, ReportInputs

__all__ = ["gaps", "sections", "theme_sections", "commentary_md", "page_tables", "GLOSSARY", "HOW_TO_READ"]

ANALYST = "the partnership's analyst"

GLOSSARY: tuple[tuple[str, str], ...] = (
    (
        "Assurance level",
        "How confident the partnership can be that a priority is working for children: substantial, "
        "reasonable, limited or no assurance. The rules propose it; the partnership confirms or changes it.",
    ),
    ("Concern", "A finding that something is worse than it should be, or than elsewhere."),
    ("Strength", "A finding that something is working well, or better than elsewhere."),
    (
        "Evidence (strong, moderate, indicative)",
        "How sure the numbers are: strong means a statistical test over "
        "all children, moderate a smaller or less certain difference, indicative a small sample such as an audit.",
    ),
    ("Persistent", "Found in consecutive quarters; the number of quarters is given."),
    (
        "Sources that agree",
        "Other parts of the pack (another analysis, the core dataset, audits, learning) that "
        "say the same about the same priority.",
    ),
    ("Rate ratio", "How many times as likely one group of children is to reach a stage as the comparison group."),
    ("95% CI", "The range within which the true value very probably lies; a wide range means an uncertain figure."),
    ("Suppressed [c]", "A number too small to publish safely; it is hidden so that no child can be identified."),
    ("Not available [x]", "The figure is not in this pack."),
    ("Section 11", "The duty on agencies to safeguard children; each agency assesses itself against the standards."),
    ("Statutory partner", "The local authority, police and health: the three safeguarding partners."),
    ("OBA", "Outcomes-based accountability: how much did we do, how well did we do it, is anyone better off?"),
)

HOW_TO_READ = (
    "- **Start with the five things the board must know.** They are ranked by the partnership's own rules "
    "(the priorities file), not by how many flags there are. Each says why it is ranked where it is.\n"
    "- **Then one section for each priority**: what the data, quality assurance, practitioners and children tell "
    "us; what is working well; what worries us; what we do not know and who will find out; what happens next.\n"
    "- **Assurance levels** are proposed by stated rules and confirmed or changed by the partnership; both are shown.\n"
    "- **Is anyone better off?** uses outcome indicators and evidence of impact from completed actions, never a "
    "count of findings.\n"
    "- **Numbers** are given with the number of children behind them. A difference between groups of children is "
    "not, by itself, evidence of bias: it is a question to ask.\n"
    "- **The appendices** hold everything else: every finding ranked, the flags register, the tables (CSV and an "
    "Excel workbook), the numbers that moved since last quarter, the method and the provenance of the run.\n"
    "- Every number was already published in this pack after disclosure control; the report recomputes nothing "
    "from children's records."
)


def _s(n: int, word: str, plural: str | None = None) -> str:
    return f"{n} {word if n == 1 else (plural or word + 's')}"


def _log(message: str) -> None:
    """A software message: to the run log (standard error, kept out of the shareable page), never the page."""
    print(f"report: {message}", file=sys.stderr)


def _theme_titles(ids: Any, inputs: ReportInputs) -> str:
    t = [inputs.priorities.themes[i].title for i in str(ids or "").split(";") if i in inputs.priorities.themes]
    return ", ".join(t)


# =========================================================================== gaps with an owner
def gaps(
    inputs: ReportInputs,
    res: ReportResults,
    children_pub: pd.DataFrame | None,
    *,
    prev_label: str,
    suppressed: str,
    not_available: str = "[x]",
) -> list[str]:
    """The evidence gaps, each with how to fill it and who owns that: a missing analysis, return or input, a
    priority no source looked at. Software messages (tables that could not be compared) go to the run log.
    """
    pack, sup = inputs.pack, suppressed
    out: list[str] = []
    for a in pack.missing_flags:
        rec = pack.analysis(a)
        out.append(
            f"No findings from {rec.report_title} in this pack. Owner: {ANALYST}, who runs notebook {rec.notebook} "
            "with complete inputs."
        )
    if inputs.table("core_indicators") is None:
        out.append(
            "No core dataset in this pack, so the report has no outcome indicators. Owner: the analyst runs notebook "
            "04 (core dataset) before the report."
        )
    if inputs.table("learning_actions") is None:
        out.append(
            "No action ledger in this pack, so next steps and impact cannot be taken from it. Owner: the learning "
            "and improvement lead, through notebook 05 (learning)."
        )
    if inputs.table("voice_register") is None:
        out.append(
            "No consented words from children and families in this pack. Owner: the participation lead, through "
            "the voice register (notebook 05)."
        )
    if inputs.children_feedback is None:
        out.append(
            "No summary of children's feedback from participation work this quarter. Owner: the participation team "
            "(counts by theme and sentiment)."
        )
    if inputs.practitioner_survey is None and not any(
        w in n for n in pack.declarations for w in ("survey", "practitioner", "triangulation")
    ):
        out.append(
            "No practitioner survey this quarter. Owner: the Section 11 lead, with the survey of the Section 11 cycle."
        )
    if inputs.previous is None:
        out.append(f"No comparison with {prev_label}: {inputs.comparison}. Owner: {ANALYST}.")
    for n in inputs.data_notes:
        out.append(f"{n} Owner: {ANALYST}.")
    if res.facts:
        for tid, f in res.facts.items():
            if not f.sources:
                out.append(
                    f"Nothing in this pack speaks to '{inputs.priorities.themes[tid].title}'. Owner: the priority's "
                    "lead, to name a measure, an audit or a voice activity for next quarter."
                )
    small = sum(int(t.isin([sup]).sum().sum()) for t in pack.tables.values())
    if small:
        out.append(
            f"{small:,} published value{'s' if small != 1 else ''} {'was' if small == 1 else 'were'} too small to show and {'is' if small == 1 else 'are'} suppressed ({sup}); nothing can be "
            f"concluded from them this quarter. Owner: {ANALYST}, who can combine groups or use a longer window."
        )
    for n in res.number_notes:
        _log(f"change since {prev_label} not fully known: {n}")
    for _, r in res.oba[res.oba["value"].eq(not_available)].iterrows():
        _log(f"outcomes view: '{r['measure']}' is not available ({r['note']})")
    return out


# =========================================================================== ranked items
def _item_md(r: Mapping[str, Any], inputs: ReportInputs, period_label: str, *, why: str = "Why first") -> str:
    kind = "Strength" if r["direction"] == "strength" else "Concern"
    themes = _theme_titles(r["themes"], inputs)
    head = f"**{int(r['rank'])}. {kind}{' — ' + themes if themes else ''}.**" if "rank" in r else f"**{kind}.**"
    bits = [head, sentence(r["statement"])]
    if int(r.get("persistence") or 1) > 1:
        bits.append(f"Raised in {r['first_period']}, still present ({int(r['persistence'])} quarters in a row).")
    elif r.get("first_period") == period_label:
        bits.append("New this quarter.")
    if r.get("also"):
        bits.append(
            f"{_s(int(r['also']), 'more finding')} about the same subject {'are' if r['also'] != 1 else 'is'} in Appendix A."
        )
    if r.get("sources_agree"):
        bits.append(f"Sources that agree: {str(r['sources_agree']).replace('; ', ', ')}.")
    bits.append(f"*{why}:* {r['reasons']}; {r['score']} points.")
    return " ".join(bits)


def _summary(inputs: ReportInputs, res: ReportResults, period_label: str) -> str:
    items = res.items
    n_c = int(items["direction"].eq("concern").sum())
    n_s = int(items["direction"].eq("strength").sum())
    out = [
        f"This quarter the analyses found {_s(n_c, 'concern')} and {_s(n_s, 'strength')}. The partnership's ranking "
        f"rules put these {len(res.top)} first; everything else is ranked the same way in Appendix A.\n"
    ]
    for _, r in res.top.iterrows():
        out.append(_item_md(r, inputs, period_label) + "\n")
    if res.top.empty:
        out.append("No concern or strength was found this quarter.\n")
    return "\n".join(out)


def _assurance(res: ReportResults) -> str:
    a = res.assurance
    agreed = int(a["partnership"].astype(str).ne("").sum())
    return (
        "The rules in the priorities file propose a level for each priority from the strengths, concerns and "
        "sources of evidence found; the partnership confirms or changes it in its commentary. "
        f"{agreed} of {len(a)} levels have been considered by the partnership so far.\n"
    )


# =========================================================================== one section per priority
def _bullets(lines: list[str], none: str) -> str:
    return "\n".join(f"- {x}" for x in lines) + "\n" if lines else f"- {none}\n"


class _Template:
    """The thematic template's parts: a part with one line reads as one paragraph, with several as a list; the
    parts with nothing to say are named together in one line (so an empty priority takes a few lines, not a page)."""

    def __init__(self) -> None:
        self.md: list[str] = []
        self.empty: list[str] = []

    def part(self, heading: str, lines: list[str]) -> None:
        if not lines:
            self.empty.append(heading.lower())
        elif len(lines) == 1:
            self.md.append(f"**{heading}:** {lines[0]}\n")
        else:
            self.md.append(f"**{heading}:**\n\n" + _bullets(lines, ""))

    def text(self) -> str:
        out = list(self.md)
        if self.empty:
            out.append(f"*Nothing this quarter on:* {'; '.join(self.empty)}.\n")
        return "\n".join(out)


def _indicator_line(r: Mapping[str, Any]) -> str:
    unit = str(r.get("unit") or "")
    val = fmt_number(r.get("value"), unit)
    if unit.lower().startswith("per "):  # a rate: "412 per 10,000 children"
        val = f"{val} {unit}"
    bits = [f"{r.get('title') or r.get('indicator')}: {val}"]
    num, den = str(r.get("numerator") or "").strip(), str(r.get("denominator") or "").strip()
    if num and den:
        bits[0] += f" ({fmt_number(num)} of {fmt_number(den)} children)"
    comp = []
    if str(r.get("england") or "").strip():
        comp.append(f"England {fmt_number(r['england'], unit)}")
    if str(r.get("neighbours_median") or "").strip():
        comp.append(f"statistical neighbours' median {fmt_number(r['neighbours_median'], unit)}")
    if comp:
        bits.append("; ".join(comp))
    if str(r.get("variation") or "").strip():
        bits.append(str(r["variation"]))
    return "; ".join(bits) + "."


def theme_sections(
    inputs: ReportInputs,
    res: ReportResults,
    *,
    survey_pub: pd.DataFrame | None,
    children_pub: pd.DataFrame | None,
    suppressed: str,
    period_label: str,
    per_list: int = 3,
) -> dict[str, str]:
    """The Markdown of each priority's section (theme id -> Markdown), following the thematic template."""
    pri = inputs.priorities
    ranked = pd.concat([res.top, res.rest], ignore_index=True)
    ind = inputs.table("core_indicators")
    voice = inputs.table("voice_register")
    acts = inputs.table("learning_actions")
    names = board.source_names(inputs.pack.analyses)
    quality = {"audits", "section11", "schools"}
    out: dict[str, str] = {}
    for tid, t in pri.themes.items():
        on = ranked[board._has_theme(ranked, tid)] if len(ranked) else ranked
        a = res.assurance.set_index("theme").loc[tid]
        md = [f"*What good looks like:* {t.outcome}\n"]
        level = f"**Assurance: {a['proposed']}** (proposed by the rules: {a['facts']}; rule: {a['rule']})."
        if a["partnership"]:
            verb = "Confirmed" if a["partnership"] == a["proposed"] else f"Changed to **{a['partnership']}**"
            level += f" {verb} by the partnership{' on ' + a['confirmed_on'] if a['confirmed_on'] else ''}."
        else:
            level += " Not yet confirmed by the partnership."
        md.append(level + "\n")
        tpl = _Template()
        # what the data tells us
        data = []
        if ind is not None:
            for _, r in ind[board._has_theme(ind, tid)].head(4).iterrows():
                data.append(_indicator_line(r))
        dis = on[~on["analysis"].isin(quality)] if len(on) else on
        if len(dis):
            nc = int(dis["direction"].eq("concern").sum())
            ns = int(dis["direction"].eq("strength").sum())
            src = sorted({names.get(x, x) for x in dis["analysis"]})
            data.append(f"{_s(nc, 'concern')} and {_s(ns, 'strength')} from {', '.join(src)}.")
        tpl.part("What the data tells us", data)
        qa = []
        qas = on[on["analysis"].isin(quality)] if len(on) else on
        for an, g in qas.groupby("analysis", sort=False):
            nc = int(g["direction"].eq("concern").sum())
            ns = int(g["direction"].eq("strength").sum())
            qa.append(
                f"{names.get(an, an)[0].upper() + names.get(an, an)[1:]}: {_s(nc, 'concern')}, {_s(ns, 'strength')}."
            )
        tpl.part("What quality assurance tells us", qa)
        pr = []
        if survey_pub is not None and "theme" in survey_pub.columns:
            for _, r in survey_pub.iterrows():
                said = {p.split(":")[0] for p in pr}
                if (
                    _label_theme(str(r["theme"]), pri) == tid
                    and str(r.get("agreement", "")).strip()
                    and str(r["theme"]) not in said
                ):
                    pr.append(
                        f"{r['theme']}: {fmt_number(r['agreement'], 'share')} of {r['answers']} answers agree ({r['respondents']} practitioners)."
                    )
        tpl.part("What practitioners tell us", pr[:3])
        ch = []
        if voice is not None:
            for _, r in voice[board._has_theme(voice, tid)].head(2).iterrows():
                act = r.get("activity") or r.get("source_activity") or "participation work"
                ch.append(
                    f"\u201c{str(r.get('quote', '')).strip()}\u201d ({act}{', ' + str(r['date']) if str(r.get('date', '')).strip() else ''})"
                )
        ysd = inputs.table("voice_you_said_we_did")
        if ysd is not None and {"you_said", "we_did"} <= set(ysd.columns):
            for _, r in ysd[board._has_theme(ysd, tid)].head(1).iterrows():
                ch.append(f"You said: {plain(r['you_said'])} We did: {plain(r['we_did'])}")
        if children_pub is not None:
            for theme_label, g in children_pub.groupby("theme", sort=False):
                if _label_theme(str(theme_label), pri) != tid:
                    continue
                tot = g.loc[g["sentiment"].eq("All sentiments"), "children"]
                pos = g.loc[g["sentiment"].eq("positive"), "children"]
                if len(tot):
                    ch.append(
                        f"{theme_label}: {fmt_number(tot.iloc[0])} children gave feedback, "
                        f"{fmt_number(pos.iloc[0]) if len(pos) else 0} of them positive."
                    )
        tpl.part("What children and families tell us", ch)
        good = (
            [
                f"{sentence(r['statement'])} ({names.get(r['analysis'], r['analysis'])})"
                for _, r in on[on["direction"].eq("strength")].head(per_list).iterrows()
            ]
            if len(on)
            else []
        )
        if ind is not None:
            ii = ind[board._has_theme(ind, tid)]
            good += [
                _indicator_line(r)
                for _, r in ii[
                    ii.get("direction", pd.Series("", index=ii.index)).map(board._indicator_direction).eq("strength")
                ]
                .head(2)
                .iterrows()
            ]
        tpl.part("What is working well", good)
        worry = on[on["direction"].eq("concern")] if len(on) else on
        # each finding is told once, under its first priority; one line a subject, its other findings counted
        mine = worry[worry["themes"].astype(str).str.split(";").str[0].eq(tid)] if len(worry) else worry
        if not len(mine) and len(worry):  # all told under another priority: the first one is shown here too
            mine = worry.head(1)
        subjects = mine.drop_duplicates(["analysis", "subject"]) if len(mine) else mine
        wl = []
        for _, r in subjects.head(per_list).iterrows():
            per = f" Persistent for {int(r['persistence'])} quarters." if int(r["persistence"]) > 1 else ""
            more = int(((mine["analysis"] == r["analysis"]) & (mine["subject"] == r["subject"])).sum()) - 1
            also = f" ({_s(more, 'more finding')} about {plain(r['subject'])} in Appendix A.)" if more else ""
            wl.append(f"{sentence(r['statement'])}{per}{also}")
        told = (
            int(
                sum(
                    ((mine["analysis"] == r["analysis"]) & (mine["subject"] == r["subject"])).sum()
                    for _, r in subjects.head(per_list).iterrows()
                )
            )
            if len(mine)
            else 0
        )
        if len(mine) > told:
            wl.append(f"{_s(len(mine) - told, 'more concern')} on this priority, ranked, in Appendix A.")
        if len(worry) > len(mine):
            others = sorted(
                {
                    pri.themes[str(t).split(";")[0]].title
                    for t in worry["themes"]
                    if str(t).split(";")[0] in pri.themes and str(t).split(";")[0] != tid
                }
            )
            wl.append(
                f"{_s(len(worry) - len(mine), 'more concern' if len(mine) else 'concern')} on this priority {'is' if len(worry) - len(mine) == 1 else 'are'} told under {', '.join(others)}."
            )
        tpl.part("What we are worried about", wl)
        gl = []
        if ind is not None and not board._has_theme(ind, tid).any():  # no core dataset at all: one gap, below
            gl.append(
                "No outcome indicator for this priority. Owner: the performance lead, to add one the case management extract can give."
            )
        if not (qas is not None and len(qas)):
            gl.append(
                "No case audit or Section 11 finding touched this priority. Owner: the quality assurance subgroup chair, to plan one."
            )
        if voice is not None and not board._has_theme(voice, tid).any():
            gl.append("No consented words from children on this priority. Owner: the participation lead.")
        tpl.part("Gaps in knowledge and how to fill them", gl)
        dev = []
        for _, r in subjects.head(per_list).iterrows():
            who = str(r.get("agency") or "").strip()
            dev.append(
                f"{plain(r['subject'])}: {plain(r['category'])}{' (' + who.replace(';', ',') + ')' if who else ''}."
            )
        tpl.part("Areas for development", dev)
        ns = []
        oa = board.open_actions(acts, tid)
        for _, r in oa.head(4).iterrows():
            ns.append(_action_line(r))
        if acts is None and len(worry):
            ns.append("The action ledger is not in this pack: the board to agree owners and dates (see the gaps).")
        tpl.part("Next steps", ns)
        out[tid] = "\n".join(md) + "\n" + tpl.text()
    return out


_SOURCES = {
    "audit": "a case audit",
    "audits": "a case audit",
    "review": "a learning review",
    "section11": "the Section 11 self-assessment",
    "section 11": "the Section 11 self-assessment",
    "schools": "the schools audit",
    "voice": "children's feedback",
}


def _action_line(r: Mapping[str, Any]) -> str:
    what = str(r.get("action") or r.get("title") or r.get("description") or "").strip()
    src = str(r.get("source") or "").strip()
    text = plain(what) if what else f"Action from {_SOURCES.get(src.lower(), plain(src) or 'the ledger')}"
    bits = [f"{text}. Owner: {r.get('owner_agency') or 'not named'}; due {r.get('due') or 'no date'}"]
    if str(r.get("late", "")).strip().lower() in ("yes", "true", "1"):
        bits.append("late")
    if str(r.get("carried_forward", "")).strip().lower() in ("yes", "true", "1"):
        bits.append("carried forward")
    return "; ".join(bits) + "."


def _label_theme(label: str, pri: Any) -> str | None:
    """The priority a free label (a survey or feedback theme) belongs to, by its tags (whole words)."""
    low = f" {label.lower()} "
    for t in pri.themes.values():
        for tag in (t.id.replace("_", " "), *t.tags):
            if len(tag) >= 4 and f" {tag.lower()} " in low or (len(tag) >= 6 and tag.lower() in low):
                return t.id
    return None


# =========================================================================== better off, changes, next steps
def _better_off(res: ReportResults, inputs: ReportInputs) -> str:
    b = res.better
    lines = []
    for _, r in b[b["source"].eq("indicator")].iterrows():
        lines.append(_indicator_line(r))
    for _, r in b[b["source"].eq("impact")].iterrows():
        what = plain(r["title"]) or "An action"
        lines.append(f"{what} ({r['owner']}): {plain(r['impact'])} Evidence: {plain(r['impact_evidence'])}")
    head = (
        "Answered from the core dataset's outcome indicators and from completed actions with evidence of "
        "impact, never from counts of findings.\n\n"
    )
    if not lines:
        miss = []
        if inputs.table("core_indicators") is None:
            miss.append("no core dataset in this pack (the analyst runs notebook 04)")
        if inputs.table("learning_actions") is None:
            miss.append("no action ledger in this pack (notebook 05)")
        if not miss:
            miss.append(
                "no indicator of the core dataset is an outcome ('better off') and no completed action records its impact"
            )
        return (
            head
            + f"We cannot yet say whether anyone is better off: {'; '.join(miss)}. This is listed among the gaps.\n"
        )
    return head + _bullets(lines, "")


def _changes(inputs: ReportInputs, res: ReportResults, prev_label: str) -> str:
    if res.changed is None:
        return f"Changes are not reported: {inputs.comparison}.\n"
    n = res.changed["change"].value_counts()
    parts = [f"{int(n.get(k, 0))} {k}" for k, _ in board.CHANGE_KINDS]
    md = [
        f"Compared with {prev_label}: {', '.join(parts)}. The table below gives examples; every finding's movement "
        "and every published number that moved are in the appendix tables: [every finding's movement (CSV)]"
        "(tables/report_what_changed.csv) and [every number that moved (CSV)](tables/report_number_changes.csv).\n"
    ]
    if inputs.setting_changes:
        md.append("Method or parameter changes since last quarter: " + " ".join(inputs.setting_changes) + "\n")
    else:
        md.append("No method or parameter changed since last quarter.\n")
    return "\n".join(md)


def _next_steps(inputs: ReportInputs, res: ReportResults) -> str:
    acts = inputs.table("learning_actions")
    lines = []
    if acts is not None:
        oa = board.open_actions(acts)
        late = int(oa.get("late", pd.Series([], dtype=object)).astype(str).str.lower().isin(["yes", "true", "1"]).sum())
        lines.append(f"The action ledger holds {_s(len(oa), 'open action')}, {late} of them late. The soonest due:")
        lines += [_action_line(r) for _, r in oa.head(5).iterrows()]
    for _, r in res.top[res.top["direction"].eq("concern")].iterrows():
        covered = acts is not None and any(
            board._has_theme(board.open_actions(acts), t).any() for t in str(r["themes"]).split(";") if t
        )
        if not covered:
            lines.append(
                f"The board to agree an owner and a date for concern {int(r['rank'])} ({plain(r['subject'])}): no open action in the ledger covers it."
            )
    return _bullets(lines, "No next steps recorded.")


def _ranked_appendix(res: ReportResults, inputs: ReportInputs) -> str:
    rest = res.rest
    pri = inputs.priorities
    md = [
        f"Every other concern and strength ({len(rest)}), ranked by the same rules. The whole list with every "
        "score: [the ranked findings (CSV)](tables/report_priorities.csv).\n",
        "**The ranking rules** (points from the priorities file; a partnership changes them there):\n",
    ]
    for w, spec in pri.weights.items():
        words = {"per_period": "a quarter", "per_source": "a source", "most": "at most"}
        pts = ", ".join(f"{words.get(k, k)} {v}" for k, v in spec["points"].items())
        md.append(f"- {w.replace('_', ' ').capitalize()} ({pts}): {pri.rationale.get(w, '')}")
    for k in ("one_item_per_subject", "strengths_in_top"):
        if k in pri.rationale:
            md.append(f"- {k.replace('_', ' ').capitalize()}: {pri.rationale[k]}")
    md.append("")
    for i, (_, r) in enumerate(rest.head(25).iterrows(), len(res.top) + 1):
        kind = "Strength" if r["direction"] == "strength" else "Concern"
        md.append(f"- **{i}.** {kind}: {sentence(r['statement'])} ({r['score']} points)")
    if len(rest) > 25:
        md.append(f"\nThe other {len(rest) - 25} are in [the ranked findings (CSV)](tables/report_priorities.csv).")
    return "\n".join(md) + "\n"


def sections(
    inputs: ReportInputs,
    res: ReportResults,
    published: Mapping[str, pd.DataFrame],
    found_gaps: list[str],
    *,
    prev_label: str,
    suppressed: str,
    period_label: str = "",
    not_available: str = "[x]",
) -> dict[str, str]:
    """The Markdown of every report section (:data:`SECTIONS`) and of each priority (keyed by theme id)."""
    out = {
        "summary": _summary(inputs, res, period_label),
        "assurance": _assurance(res),
        "priorities": "One section for each of the partnership's priorities, in the order of the priorities file.\n",
        "better_off": _better_off(res, inputs),
        "changes": _changes(inputs, res, prev_label),
        "gaps": _bullets(found_gaps, "No gap in knowledge was found this quarter."),
        "next_steps": _next_steps(inputs, res),
        "ranked": _ranked_appendix(res, inputs),
        "flags": (
            f"All {len(res.register)} findings exactly as the analyses published them are in [the flags register "
            "(CSV)](tables/report_flags_register.csv), with each one's evidence, direction, priority, first quarter "
            "raised and score; the assurance levels are in [the assurance table (CSV)](tables/report_assurance.csv). "
            "Each analysis's own page and tables are linked from [the pack's front page](index.html).\n"
        ),
        "how_to_read": HOW_TO_READ + "\n",
        "glossary": "\n".join(f"- **{k}**: {v}" for k, v in GLOSSARY) + "\n",
    }
    out |= theme_sections(
        inputs,
        res,
        survey_pub=published.get("practitioners"),
        children_pub=published.get("children"),
        suppressed=suppressed,
        period_label=period_label,
    )
    return out


def page_tables(res: ReportResults) -> dict[str, tuple[str, pd.DataFrame]]:
    """The short tables printed on the page (headings in words): the assurance levels and what changed."""
    a = res.assurance
    out = {
        "assurance": (
            "Assurance level for each priority: proposed by the rules, and the partnership's own",
            pd.DataFrame(
                {
                    "Priority": a["title"],
                    "Proposed by the rules": a["proposed"],
                    "Because": a["facts"],
                    "The partnership's level": [
                        (p + (f" ({d})" if d else "")) if p else "not yet considered"
                        for p, d in zip(a["partnership"], a["confirmed_on"])
                    ],
                }
            ).astype(object),
        )
    }
    if res.changed is not None:
        rows = []
        for k, label in board.CHANGE_KINDS:
            g = res.changed[res.changed["change"].eq(k)]
            ex = "; ".join(dict.fromkeys(plain(s) for s in g["subject"]))
            ex = ex if len(ex) <= 110 else ex[:107].rsplit(";", 1)[0] + "; ..."
            rows.append({"What": label, "Findings": str(len(g)), "For example": ex or "none"})
        out["changes"] = ("What changed since last quarter", pd.DataFrame(rows).astype(object))
    return out


def commentary_md(
    section: str, commentary: Mapping[str, str], withheld: set[str], named: pd.DataFrame | None = None
) -> str:
    """The commentary block of a section: the partnership's own words (quoted and marked as such), then the
    movement of every finding those words name (``named``: rows of :func:`board.what_changed`), or a sentence
    saying the guard withheld them or that there are none."""
    if section in commentary:
        body = "\n".join("> " + ln if ln.strip() else ">" for ln in commentary[section].splitlines())
        md = f"\n**The partnership's commentary** (in its own words, not generated from the data):\n\n{body}\n"
        if named is not None and len(named):
            md += "\n*The findings this commentary names, and how they moved:*\n\n"
            for _, r in named.head(4).iterrows():
                prev = f"{fmt_number(r['previous_value'])} last quarter, " if str(r["previous_value"]) else ""
                now = f"{fmt_number(r['value'])} now" if str(r["value"]) else "no longer found"
                md += f"- {plain(r['subject'])}, {plain(r['measure'])}: {r['change']} ({prev}{now}).\n"
        return md
    if section in withheld:
        return (
            "\n*The partnership's commentary for this section could not be cleared by the redaction guard and is "
            "left out of the shareable pack (the run log counts it).*\n"
        )
    return ""


SECTION_KEYS = tuple(k for k, _ in SECTIONS)
