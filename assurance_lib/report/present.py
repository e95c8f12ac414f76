"""What notebook 06 calls: :func:`analyse` (read, compute, publish, write the prose), then
:func:`show` (a section), :func:`show_table`, :func:`show_figure` and :func:`show_commentary`.

:func:`analyse` runs four named steps: :func:`~assurance_lib.report.inputs.load` (read the
published pack, the previous one and the optional inputs), :func:`~assurance_lib.report.compute.compute`
(the figures), :func:`publish` (the report's tables, its chart and the cleared commentary) and
:func:`write` (the prose of every section, published as ``text/assurance_report.md``).
"""

from __future__ import annotations

import html
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from .. import display
from ..errors import InputError, Problem
from ..readers import display_path
from ..safe_text import markdown_html, pack_files
from ..tables import SEVERITIES, Hierarchy, TableSpec
from . import board, text
from .compute import ReportResults, compute
from .inputs import SECTIONS, SENTIMENTS, ReportInputs, flagging, load
from .settings import NOTEBOOK, Settings

__all__ = [
    "Report",
    "CHILDREN_FEEDBACK_SPEC",
    "REPORT_TABLE_NOTE",
    "analyse",
    "publish",
    "write",
    "flags_chart_data",
    "flags_chart",
    "show",
    "show_table",
    "show_figure",
    "show_commentary",
    "show_priorities",
    "show_heading",
    "PRINT_CSS",
    "APPENDICES",
]

REPORT_TABLE_NOTE = (
    "Every value here was read from a table already published (and protected) in this pack or the "
    "previous period's pack; nothing was recomputed from children's records."
)


@dataclass
class Report:
    """The built report: its sections (Markdown) and the frames it published.

    Attributes
    ----------
    sections : dict
        Section key (:data:`SECTIONS`) -> the generated Markdown.
    commentary : dict
        Section key -> the partnership's commentary block (its own words, marked as such) or a
        sentence saying there is none.
    tables : dict
        ``register``, ``flag_changes``, ``number_changes``, ``oba``, ``children``,
        ``practitioners``: the published frames (absent parts are missing).
    gaps : list of str
        The gaps in knowledge found.
    comparison : str
        A sentence on what the changes were computed against.
    withheld : set of str
        Sections whose commentary the redaction guard could not clear.
    pack_files : frozenset of str
        The files of this pack's ``shareable/`` folder when the report was written: the only
        targets a displayed link keeps.
    themes : dict
        Priority theme id -> title, in the priorities file's order (one section each).
    page_tables : dict
        Section key -> (caption, frame with headings in words): the short tables printed on the page.
    """

    sections: dict[str, str]
    tables: dict[str, pd.DataFrame] = field(default_factory=dict)
    figure: Any = None
    commentary: dict[str, str] = field(default_factory=dict)
    captions: dict[str, str] = field(default_factory=dict)
    gaps: list[str] = field(default_factory=list)
    comparison: str = ""
    withheld: set[str] = field(default_factory=set)
    pack_files: frozenset[str] = frozenset()
    themes: dict[str, str] = field(default_factory=dict)
    page_tables: dict[str, tuple[str, pd.DataFrame]] = field(default_factory=dict)

    @property
    def markdown(self) -> str:
        """The whole report as one Markdown document."""
        parts = []
        for key, heading in SECTIONS:
            parts.append(f"## {heading}\n\n{self.sections.get(key, '')}\n{self.commentary.get(key, '')}\n")
            if key in self.page_tables:
                cap, df = self.page_tables[key]
                parts.append(f"{cap}:\n\n" + _md_table(df) + "\n")
            if key == "priorities":
                for tid, title in self.themes.items():
                    parts.append(f"### {title}\n\n{self.sections.get(tid, '')}\n{self.commentary.get(tid, '')}\n")
        return "\n".join(parts)


def _md_table(df: pd.DataFrame) -> str:
    """A small table as Markdown (for the published text document; the page shows it with :func:`show_table`)."""
    cells = [[str(c) for c in df.columns]] + [[str(v).replace("|", "/") for v in r] for r in df.itertuples(index=False)]
    lines = ["| " + " | ".join(r) + " |" for r in cells]
    lines.insert(1, "|" + "---|" * len(df.columns))
    return "\n".join(lines) + "\n"


CHILDREN_FEEDBACK_SPEC = TableSpec(
    name="report_children_feedback",
    title="Children and young people's feedback from participation work, by theme and sentiment",
    unit="children",
    rule="children-counts",
    source="Participation activities' feedback summary (counts only, no free text)",
    notes=(
        "Counts of children and young people who gave feedback of each sentiment on each theme; a child who took "
        "part in more than one activity may be counted more than once. 'All sentiments' is the total of a theme."
    ),
    keys=("theme", "sentiment"),
    counts=("children",),
    hierarchies=(Hierarchy(column="sentiment", total="All sentiments", parts=SENTIMENTS, within=("theme",)),),
)


def analyse(ctx: Any) -> Report:
    """Build and publish the quarterly report from the pack in ``ctx.run_dir``, in four steps.

    1. :func:`~assurance_lib.report.inputs.load` reads this pack's published results of notebooks
       01-03, the previous period's pack (``previous_run_dir``, or the one named by
       ``outputs/<previous slug>/LATEST``) and notebook 06's optional inputs
       (``commentary_path``, ``children_feedback_path``, ``practitioner_survey_path``, ``oba_path``);
    2. :func:`~assurance_lib.report.compute.compute` works out the flags register, the changes since
       the previous period, the outcomes view and the feedback summaries;
    3. :func:`publish` publishes ``report_flags_register``, ``report_flag_changes`` and
       ``report_number_changes`` (when a previous pack exists), the flags chart, ``report_oba``,
       ``report_children_feedback`` and ``report_practitioner_survey`` (when given) and the cleared
       commentary (``text/commentary_<section>.md``);
    4. :func:`write` writes the prose of every section and publishes the whole report
       (``text/assurance_report.md``).

    Returns
    -------
    Report
        What the notebook displays (:func:`show`, :func:`show_table`).
    """
    try:
        settings = Settings.from_params(ctx.params)
    except ValueError as exc:
        raise InputError(
            Problem(file=display_path(ctx.config.params_file), key=f"notebooks.{NOTEBOOK}", message=str(exc))
        ) from None
    cfg = ctx.config
    inputs = load(settings, run_dir=ctx.run_dir, output_root=cfg.output_root, period=cfg.period, analyses=ctx.analyses)
    res = compute(inputs, settings, cfg.period, symbols=cfg.disclosure)
    rep = publish(ctx, inputs, res)
    write(ctx, inputs, res, rep)
    rep.pack_files = pack_files(Path(ctx.run_dir) / "shareable")
    return rep


def publish(ctx: Any, inputs: ReportInputs, res: ReportResults) -> Report:
    """Publish the report's tables and chart and pass the commentary through the redaction guard.

    Returns
    -------
    Report
        With its published ``tables``, their ``captions``, the ``figure``, the cleared commentary
        (in ``commentary``, keyed by section, until :func:`write` turns it into blocks), and the
        sections withheld by the guard (``withheld``); no prose yet.
    """
    cfg = ctx.config
    prev_label = cfg.period.previous().label
    rep = Report(sections={}, comparison=inputs.comparison)
    rule_kw: dict[str, Any] = dict(unit="children", rule="children-counts", counts=())

    # flags register and changes
    rep.tables["register"] = ctx.publish.table(
        res.register,
        TableSpec(
            name="report_flags_register",
            title=f"Flags register, {cfg.period.label}: every flag raised by the analyses, by severity",
            source="flags_disproportionality.csv, flags_section11.csv and flags_audits.csv of this pack",
            notes=(
                REPORT_TABLE_NOTE
                + " Flags combine units (children, agencies, audited cases): each flag's evidence table "
                "gives its unit. 'ref' numbers flags within a severity; 'status' says whether the flag was raised in the "
                "previous period too (same analysis, category, subject and measure)."
            ),
            keys=("ref",),
            **rule_kw,
        ),
    )
    rep.captions["register"] = f"Flags register, {cfg.period.label} ({len(res.register)} flags, highest severity first)"
    if res.flag_changes is not None:
        rep.tables["flag_changes"] = ctx.publish.table(
            res.flag_changes,
            TableSpec(
                name="report_flag_changes",
                title=f"Flags new, resolved, escalated or de-escalated since {prev_label}",
                source=f"flags files of this pack and of the {prev_label} pack",
                notes=REPORT_TABLE_NOTE,
                keys=("change", "analysis", "category", "subject", "measure"),
                **rule_kw,
            ),
        )
        rep.captions["flag_changes"] = f"Flags that changed since {prev_label}"
    if res.number_changes is not None:
        sup = cfg.disclosure.suppressed
        rep.tables["number_changes"] = ctx.publish.table(
            res.number_changes,
            TableSpec(
                name="report_number_changes",
                title=f"Published numbers that moved since {prev_label}",
                source=f"published tables of this pack and of the {prev_label} pack",
                notes=(
                    REPORT_TABLE_NOTE + f" A value suppressed in either period gives a suppressed change ({sup}); "
                    "'up' and 'down' describe the number only, not whether the change is good."
                ),
                keys=("table", "key", "measure"),
                **rule_kw,
            ),
        )
        rep.captions["number_changes"] = f"Published numbers that moved since {prev_label}"

    # the ranked concerns and strengths, the assurance levels and what changed (appendix tables)
    ranked = pd.concat([res.top.assign(in_top="yes"), res.rest.assign(in_top="no")], ignore_index=True)
    ranked.insert(0, "position", range(1, len(ranked) + 1))
    keep = [
        "position",
        "in_top",
        "direction",
        "themes",
        "analysis",
        "subject",
        "measure",
        "statement",
        "evidence",
        "first_period",
        "persistence",
        "sources_agree",
        "score",
        "reasons",
    ]
    rep.tables["priorities"] = ctx.publish.table(
        ranked[keep].astype(object),
        TableSpec(
            name="report_priorities",
            title=f"Concerns and strengths ranked by the partnership's rules, {cfg.period.label}",
            source="flags files of this pack, the previous pack and the priorities file",
            notes=(
                REPORT_TABLE_NOTE + " 'score' adds the points of the ranking rules in data/frameworks/priorities.yaml; "
                "'reasons' says which points each finding earned. 'persistence' counts quarters in a row."
            ),
            keys=("position",),
            **rule_kw,
        ),
    )
    rep.tables["assurance_levels"] = ctx.publish.table(
        res.assurance,
        TableSpec(
            name="report_assurance",
            title=f"Assurance level for each priority, {cfg.period.label}: proposed by the rules and the partnership's",
            unit="agencies",
            rule="organisations",
            source="the report's ranking of this pack's findings, the priorities file and the commentary",
            notes="Counts are of findings and sources, not of children.",
            keys=("theme",),
        ),
    )
    if res.changed is not None:
        rep.tables["what_changed"] = ctx.publish.table(
            res.changed,
            TableSpec(
                name="report_what_changed",
                title=f"Every finding's movement since {prev_label}",
                source=f"flags files of this pack and of the {prev_label} pack",
                notes=REPORT_TABLE_NOTE + " Resolved with evidence: measured again and no longer found; without "
                "evidence: its evidence is no longer published (for example an audit left the window).",
                keys=("change", "analysis", "category", "subject", "measure"),
                **rule_kw,
            ),
        )

    # a chart of the flags by analysis and severity (counts of flags, not of children)
    rep.figure = ctx.publish.figure(flags_chart(inputs.pack.flags, cfg.period.label, inputs.pack.analyses))

    rep.tables["oba"] = ctx.publish.table(
        res.oba,
        TableSpec(
            name="report_oba",
            title="How much did we do, how well did we do it, is anyone better off?",
            source="published tables and flags of this pack (and the previous period's flags)",
            notes=REPORT_TABLE_NOTE
            + f" {cfg.disclosure.not_available}: the evidence for the measure is not in this pack.",
            keys=("area", "question", "measure"),
            **rule_kw,
        ),
    )
    rep.captions["oba"] = "Outcomes-based accountability view"

    if res.children is not None:
        rep.tables["children"] = ctx.publish.table(res.children, CHILDREN_FEEDBACK_SPEC)
        rep.captions["children"] = "Children and young people's feedback by theme and sentiment"
    if res.practitioners is not None:
        rep.tables["practitioners"] = ctx.publish.table(
            res.practitioners,
            TableSpec(
                name="report_practitioner_survey",
                title="What practitioners told us: agreement by theme",
                unit="agencies",
                rule="organisations",
                source="Practitioner survey (the Section 11 cycle)",
                notes=(
                    "Counts are of practitioners responding and of their answers, not of children. Agreement is the share "
                    "of answers that agree on the answer's own scale; themes with fewer than 5 respondents show counts only."
                ),
                keys=("theme", "scale"),
            ),
        )
        rep.captions["practitioners"] = "Practitioner survey: agreement by theme"

    # commentary, through the redaction guard
    if inputs.commentary is not None:
        for _, r in inputs.commentary.iterrows():
            cleared = ctx.publish.text(f"commentary_{r['section']}", str(r["text"]), free_text=True)
            if cleared.strip():
                rep.commentary[str(r["section"])] = cleared.strip()
            else:
                rep.withheld.add(str(r["section"]))
    return rep


def write(ctx: Any, inputs: ReportInputs, res: ReportResults, rep: Report) -> Report:
    """Write the prose of every section (:mod:`.text`) into ``rep`` and publish the whole report as
    ``text/assurance_report.md``."""
    cfg = ctx.config
    sup = cfg.disclosure.suppressed
    prev_label = cfg.period.previous().label
    na = cfg.disclosure.not_available
    rep.gaps = text.gaps(
        inputs, res, rep.tables.get("children"), prev_label=prev_label, suppressed=sup, not_available=na
    )
    rep.themes = {tid: t.title for tid, t in inputs.priorities.themes.items()}
    rep.sections = text.sections(
        inputs,
        res,
        rep.tables,
        rep.gaps,
        prev_label=prev_label,
        suppressed=sup,
        period_label=cfg.period.label,
        not_available=na,
    )
    rep.page_tables = text.page_tables(res)
    cleared = dict(rep.commentary)
    moved = res.changed
    if moved is None:  # no previous pack: the findings named are shown as they are now
        moved = res.items.assign(change="not compared", previous_value="")
    rep.commentary = {}
    for key in [*(k for k, _ in SECTIONS), *rep.themes]:
        named = board.items_named_in(cleared.get(key, ""), moved) if key in cleared else None
        rep.commentary[key] = text.commentary_md(key, cleared, rep.withheld, named)
    if "summary" in cleared and res.changed is not None and inputs.previous is not None:
        before = int(
            board.enrich_flags(inputs.previous.flags, priorities=inputs.priorities, period=cfg.period.previous())[
                "direction"
            ]
            .eq("concern")
            .sum()
        )
        now = int(res.items["direction"].eq("concern").sum())
        rep.commentary["summary"] += (
            f"\n*Beside this commentary: {before} concerns last quarter, {now} this quarter.*\n"
        )
    ctx.publish.text(
        "assurance_report", f"# Quarterly assurance report, {cfg.period.label}\n\n{cfg.partnership}\n\n{rep.markdown}"
    )
    return rep


def flags_chart_data(flags: pd.DataFrame, analyses: Sequence[Any]) -> pd.DataFrame:
    """The data of the flags chart: the number of flags by analysis and severity (``analysis, severity, flags``;
    every analysis that raises flags (``analyses``: the registry records, ``ctx.analyses``) and every severity,
    zeros included; an analysis is named by its short label)."""
    rows = [
        (a.short, s, int((flags["analysis"].eq(a.name) & flags["severity"].eq(s)).sum()))
        for s in SEVERITIES
        for a in flagging(analyses)
    ]
    return pd.DataFrame(rows, columns=["analysis", "severity", "flags"])


def flags_chart(flags: pd.DataFrame, period_label: str, analyses: Sequence[Any]) -> Any:
    """A bar chart of the number of flags by analysis and severity (:func:`flags_chart_data`; values labelled,
    hatched by severity)."""
    from .. import charts

    data = flags_chart_data(flags, analyses)
    rows = list(data.itertuples(index=False, name=None))
    alt = (
        "Bar chart of the number of flags raised this period by analysis and severity: "
        + "; ".join(
            f"{a.short} {', '.join(f'{n} {s}' for (aa, s, n) in rows if aa == a.short)}" for a in flagging(analyses)
        )
        + "."
    )
    return charts.bar(
        data,
        x="flags",
        y="analysis",
        hue="severity",
        name="report_flags_by_severity",
        title="Flags raised this period, by analysis and severity",
        subtitle=f"Number of flags, {period_label}; each bar is labelled with its number",
        source="flags files of the three analyses in this pack",
        alt=alt,
        xlabel="Number of flags",
    )


def show_figure(rep: Report) -> Any:
    """The report's chart of flags by analysis and severity, for display (with its alt text)."""
    return rep.figure


PRINT_CSS = (
    "<style>"
    "@page{size:A4;margin:14mm 13mm}"
    "table[id^='T_report_page'] td,table[id^='T_report_page'] th{text-align:left!important;vertical-align:top}"
    "@media print{:root{--jp-content-font-size1:10pt;--jp-content-line-height:1.35;"
    "--jp-content-heading-line-height:1.15;--jp-content-font-size5:18pt}body{font-size:10pt;line-height:1.3}.jp-Cell{padding:0!important;margin:0!important}"
    ".jp-OutputArea-output{margin:0!important}"
    ".jp-Cell,.jp-Cell-outputWrapper,.jp-Cell-inputWrapper,.jp-OutputArea,.jp-OutputArea-child,"
    ".jp-OutputArea-output,.jp-RenderedHTMLCommon{break-inside:auto!important;page-break-inside:auto!important}h2{font-size:14pt;margin:.6em 0 .3em;break-after:avoid}"
    "h3{font-size:12pt;margin:.5em 0 .2em;break-after:avoid}p,li{margin:.15em 0}"
    "table{font-size:9pt;break-inside:avoid}.jp-Cell:has(.assurance-appendix){break-before:page}.jp-RenderedHTMLCommon>:last-child,blockquote>:last-child{margin-bottom:0!important}.jp-OutputArea-child,.jp-Cell-outputWrapper,.jp-Cell-outputArea{margin:0!important;padding:0!important}"
    ".assurance-priority{break-inside:auto}}"
    "</style>"
)
"""Print layout of the report page: A4, compact type, every appendix on its own page."""

APPENDICES: tuple[str, ...] = ("ranked", "flags", "how_to_read", "glossary")
"""Sections printed as appendices, each starting a new page, after the main report."""


def _heading(section: str) -> str:
    return dict(SECTIONS).get(section, section)


def show(rep: Report, section: str) -> Any:
    """One section of the report for display, through :func:`assurance_lib.safe_text.markdown_html`: raw HTML
    in the text is shown as text, links are kept only to the pack's own files (``rep.pack_files``)
    and underlined, so that a link is not told apart from text by colour alone. An appendix (:data:`APPENDICES`)
    carries its own heading and starts a new printed page; the summary carries the page's print layout."""
    from IPython.display import HTML

    if section not in rep.sections:
        raise KeyError(f"no report section {section!r} (one of: {', '.join(k for k, _ in SECTIONS)})")
    body = markdown_html(rep.sections[section], pack_files=rep.pack_files, css_class="assurance-report-section")
    if section in APPENDICES:
        body = (
            f'<section class="assurance-appendix"><h2>{html.escape(_heading(section))}</h2>{body}'
            + markdown_html(
                rep.commentary.get(section, ""), pack_files=rep.pack_files, css_class="assurance-report-section"
            )
            + "</section>"
        )
    if section == "summary":
        body = PRINT_CSS + body
    return HTML(body)


def show_priorities(rep: Report) -> Any:
    """Every priority's section (a heading each, the generated text, then the partnership's commentary)."""
    from IPython.display import HTML

    parts = []
    for tid, title in rep.themes.items():
        parts.append(
            f'<section class="assurance-priority"><h3>{html.escape(title)}</h3>'
            + markdown_html(rep.sections.get(tid, ""), pack_files=rep.pack_files, css_class="assurance-report-section")
            + markdown_html(
                rep.commentary.get(tid, ""), pack_files=rep.pack_files, css_class="assurance-report-section"
            )
            + "</section>"
        )
    return HTML("".join(parts))


def show_heading(title: str) -> Any:
    """An appendix heading that starts a new printed page (e.g. before the provenance)."""
    from IPython.display import HTML

    return HTML(f'<section class="assurance-appendix"><h2>{html.escape(title)}</h2></section>')


def show_commentary(rep: Report, section: str) -> Any:
    """The partnership's commentary on one section (nothing when there is none), as :func:`show`."""
    if section not in rep.commentary:
        raise KeyError(f"no report section {section!r} (one of: {', '.join(k for k, _ in SECTIONS)})")
    return display.markdown(rep.commentary[section], pack_files=rep.pack_files, css_class="assurance-report-section")


def show_table(rep: Report, name: str, *, limit: int | None = 200) -> Any:
    """A published table of the report for display (:func:`assurance_lib.display.styled`: caption, plain
    headings, every cell escaped).

    ``limit`` rows at most are shown; the caption then says where the whole table is.
    """
    if name in rep.page_tables:
        cap, df = rep.page_tables[name]
        return display.styled(df, cap, uid="report_page_" + name)
    if name not in rep.tables:
        return display.markdown(f"*This part of the report has no table this period ({name}).*")
    df = rep.tables[name]
    cap = rep.captions.get(name, name)
    if limit is not None and len(df) > limit:
        cap += f" (first {limit} of {len(df)} rows; the whole table is in the pack's tables)"
        df = df.head(limit)
    return display.styled(df, cap, uid="report_" + name)
