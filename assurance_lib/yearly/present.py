"""The yearly pack's pages: the data appendix (tables side by side) and the children's summary.

Every value from a pack is escaped (:func:`~assurance_lib.safe_text.escape_text`, or the escaping
table renderer :func:`assurance_lib.display.styled`); the children's summary is written from
templates of short sentences, shows only numbers the quarterly packs published (never a suppressed
one), and writes small numbers as words.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import pandas as pd

from ..disclosure import is_symbol, numeric
from ..display import styled
from ..safe_text import escape_text
from ..tables import TableSpec
from .compute import EQUALITY_GROUPS, NOT_SUMMED
from .inputs import SEASONS, QuarterPack, read_table

__all__ = ["number_words", "page", "appendix_html", "SummaryFacts", "summary_facts", "summary_markdown", "summary_html"]

_WORDS = ("no", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten")
_MONTHS = {
    "Q1": ("April", "June"),
    "Q2": ("July", "September"),
    "Q3": ("October", "December"),
    "Q4": ("January", "March"),
}

CSS = """
body{font-family:Arial,Helvetica,sans-serif;color:#0b0c0c;background:#fff;margin:0;line-height:1.5}
main{max-width:70em;margin:0 auto;padding:1em 1.5em}
.skip{position:absolute;left:-999em}.skip:focus{left:1em;top:1em;background:#fd0;color:#0b0c0c;padding:.5em}
a{color:#1d70b8}a:focus{background:#fd0;color:#0b0c0c;outline:3px solid #0b0c0c}
table{border-collapse:collapse;margin:.5em 0 1.5em;font-size:.85em}
th,td{border:1px solid #b1b4b6;padding:.25em .5em;text-align:left;vertical-align:top}
caption{text-align:left;font-weight:bold;padding:.25em 0}
.warning{border-left:6px solid #d4351c;padding:.5em 1em;background:#f3f2f1}
.summary{font-size:1.25em;max-width:36em}.summary h2{margin-top:1.5em}.summary li{margin:.4em 0}
@media print{table{font-size:.7em}tr{break-inside:avoid}.summary{font-size:1.1em}}
"""


def number_words(n: int) -> str:
    """A whole number as a child reads it: ten or fewer in words, larger with digits.

    Examples
    --------
    >>> number_words(3), number_words(10), number_words(1234)
    ('three', 'ten', '1,234')
    """
    return _WORDS[n] if 0 <= n <= 10 else f"{n:,}"


def page(title: str, body: str, *, extra_class: str = "") -> str:
    """A complete, self-contained, accessible HTML page (language, title, skip link, one main landmark)."""
    cls = f' class="{escape_text(extra_class)}"' if extra_class else ""
    return (
        '<!DOCTYPE html>\n<html lang="en-GB">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{escape_text(title)}</title>\n<style>{CSS}</style>\n</head>\n<body>\n"
        '<a class="skip" href="#main">Skip to the main content</a>\n'
        f'<main id="main"{cls}>\n{body}\n</main>\n</body>\n</html>\n'
    )


def _numbers(df: pd.DataFrame) -> pd.DataFrame:
    """Numbers written as text in a published table turned back into numbers, for display (symbols stay)."""
    out = df.copy()
    for c in out.columns:
        nums = numeric(out[c])
        if nums.notna().any():
            out[c] = [n if pd.notna(n) else v for v, n in zip(out[c], nums, strict=True)]
    return out


def _table_html(df: pd.DataFrame, caption: str, uid: str, decimals: int | Mapping[str, int] = 1) -> str:
    labels = {}
    for c in df.columns:
        for q in ("Q1", "Q2", "Q3", "Q4"):
            if str(c).endswith(f"_{q}"):
                stem = str(c)[: -len(q) - 1].replace("_", " ")
                labels[str(c)] = f"{q} {stem}"
    if df.empty:
        return f"<p>{escape_text(caption)}: no rows (see the gaps above).</p>"
    shown = _numbers(df)
    for c in [c for c in shown.columns if str(c).startswith("share_")]:  # shares as percentages
        shown[c] = [round(100 * v, 1) if isinstance(v, float) else v for v in shown[c]]
        labels[str(c)] = "% " + labels.get(str(c), str(c)).replace("share ", "")
    return styled(shown, caption, labels=labels, decimals=decimals, uid=uid).to_html()


def appendix_html(
    year: str,
    partnership: str,
    quarters: Sequence[QuarterPack],
    tables: Sequence[tuple[pd.DataFrame, TableSpec]],
    gaps: Sequence[str],
) -> str:
    """The data appendix of the yearly report: the quarters read, the gaps, and each table by quarter."""
    read = [q for q in quarters if q.read]
    parts = [
        f"<h1>{escape_text(partnership)}: yearly report {escape_text(year)}, data appendix</h1>",
        "<p>Each quarter's published figures side by side, April to March. Every number is as the "
        "quarterly pack published it: [c] was suppressed there to protect children's privacy, [x] is not "
        "in that quarter's pack, [z] does not apply.</p>",
    ]
    if len(read) < len(quarters):
        parts.append(
            '<div class="warning" role="note"><h2>This roll-up is not a full year</h2>'
            f"<p>It is built from {len(read)} of {len(quarters)} quarters "
            f"({escape_text(', '.join(q.quarter for q in read) or 'none')}). Missing: "
            + escape_text("; ".join(f"{q.quarter} ({q.why_missing})" for q in quarters if not q.read))
            + ". The latest value shown is that of the last quarter read, not the year end.</p></div>"
        )
    rows = pd.DataFrame(
        [
            {
                "quarter": q.period,
                "status": "read" if q.read else f"missing: {q.why_missing}",
                "run_id": q.run_id or "[x]",
                "manifest_sha256": q.manifest_sha256 or "[x]",
            }
            for q in quarters
        ]
    )
    parts.append("<h2>The quarterly packs read</h2>")
    parts.append(
        styled(
            rows,
            "Quarterly packs read (each the pack its LATEST names), with the SHA-256 of its manifest",
            labels={"quarter": "Quarter", "status": "Status", "run_id": "Run", "manifest_sha256": "Manifest SHA-256"},
            uid="t_year_quarters",
        ).to_html()
    )
    if gaps:
        parts.append("<h2>Gaps</h2><ul>" + "".join(f"<li>{escape_text(g)}</li>" for g in gaps) + "</ul>")
    for df, spec in tables:
        parts.append(f"<h2>{escape_text(spec.title)}</h2>")
        parts.append(f"<p>{escape_text(spec.notes)}</p>")
        parts.append(f'<p>Data: <a href="tables/{escape_text(spec.name)}.csv">{escape_text(spec.title)} (CSV)</a></p>')
        if spec.name == "year_equality" and not df.empty:
            shown = df.drop(columns=["stage", "group_type", "group"])
            for gt, heading in EQUALITY_GROUPS.items():
                for measure, mlabel in (("rate_per_10000", "rate per 10,000 children"), ("rate_ratio", "rate ratio")):
                    part = shown[(df["group_type"] == gt) & (df["measure"] == measure)].drop(columns=["measure"])
                    if gt == "all" and measure == "rate_ratio" or part.empty:
                        continue
                    if measure == "rate_per_10000":
                        part = part.drop(columns=["reference_group"])
                    parts.append(f"<h3>{escape_text(heading)}: {escape_text(mlabel)}</h3>")
                    parts.append(
                        _table_html(
                            part,
                            f"{heading}, {mlabel}, by stage and quarter",
                            f"t_year_eq_{gt}_{measure}",
                            decimals=2 if measure == "rate_ratio" else 1,
                        )
                    )
        else:
            parts.append(
                _table_html(df, spec.title, f"t_{spec.name}", decimals=2 if spec.name == "year_findings" else 1)
            )
    parts.append(
        "<h2>What is not added up, and why</h2><ul>"
        + "".join(f"<li>{escape_text(v)}</li>" for v in NOT_SUMMED.values())
        + "</ul>"
    )
    parts.append('<p><a href="children_summary.html">The summary for children and families</a></p>')
    return page(f"{partnership}: yearly report {year}, data appendix", "\n".join(parts))


# ----------------------------------------------------------------------------- the children's summary
THEME_SENTENCES = {
    "neglect": "Make sure children get the care they need at home.",
    "exploitation": "Keep children safe from people who want to use them or harm them.",
    "domestic_abuse": "Help children who live with hurting and fighting at home.",
    "front_door": "Make sure help comes fast when someone is worried about a child.",
    "equity": "Make sure every child gets fair help, whoever they are.",
    "working_together": "Help the police, schools, doctors and social workers work as one team.",
}
"""What we will do next, one short sentence per priority theme of ``data/frameworks/priorities.yaml``."""
_ANALYSIS_THEMES = {"disproportionality": "equity", "section11": "working_together"}
"""The theme a concern stands for when its flag names no theme (older packs): disproportionality is about
fair help, Section 11 about the agencies' own arrangements; other analyses' concerns need their themes."""


@dataclass
class SummaryFacts:
    """What the children's summary says, worked out from the packs' published tables."""

    year: str
    partnership: str
    quarters_read: list[str]
    audits: int | None = None
    agencies: int | None = None
    children_heard: list[tuple[str, str, int]] = field(default_factory=list)
    """(season, theme, children) of the largest shown count of each quarter."""
    themes_heard: list[str] = field(default_factory=list)
    changes: list[tuple[str, int, int]] = field(default_factory=list)
    """(what children told us about, actions done, actions under way) from the learning analysis's
    ``voice_you_said_we_did`` (the last quarter that has it)."""
    next_themes: list[str] = field(default_factory=list)


def _items(cell: object) -> int:
    """How many actions a ``we_did`` / ``we_are_doing`` cell lists (``"id: text; id: text"``); the text is not shown.

    >>> _items("A1: ring back; A2: new leaflet"), _items(""), _items("no action in the ledger")
    (2, 0, 0)
    """
    return sum(1 for part in str(cell or "").split("; ") if ":" in part)


def _int(v: object) -> int | None:
    if is_symbol(v) or v is None:
        return None
    n = numeric(pd.Series([v])).iloc[0]
    return int(n) if pd.notna(n) and float(n).is_integer() else None


def summary_facts(
    year: str, partnership: str, quarters: Sequence[QuarterPack], tables: Mapping[str, pd.DataFrame], gaps: list[str]
) -> SummaryFacts:
    """The facts of the children's summary, from the roll-up ``tables`` and the packs' published tables."""
    read = [q for q in quarters if q.read]
    facts = SummaryFacts(year, partnership, [q.quarter for q in read])
    audits = tables.get("year_audits")
    if audits is not None and len(audits):
        facts.audits = int((audits["quarter"] != "Year").sum())
    s11 = tables.get("year_section11")
    if s11 is not None and read:
        col = f"agencies_{read[-1].quarter}"
        if col in s11.columns:
            vals = [_int(v) for v in s11[col]]
            facts.agencies = sum(v for v in vals if v is not None) if all(v is not None for v in vals) else None
    fb = tables.get("year_children_feedback")
    if fb is not None and len(fb):
        for q in facts.quarters_read:
            g = fb[fb["quarter"] == q].copy()
            g["n"] = [_int(v) for v in g["children"]]
            g = g[g["n"].notna()]
            if len(g):
                top = g.sort_values("n", ascending=False, kind="stable").iloc[0]
                facts.children_heard.append((SEASONS[q], str(top["theme"]), int(top["n"])))
        facts.themes_heard = list(dict.fromkeys(str(t) for t in fb["theme"]))[:6]
    for q in reversed(read):
        ysd = read_table(q, "voice_you_said_we_did")
        if ysd is not None and {"voice_theme", "we_did", "we_are_doing"} <= set(ysd.columns):
            facts.changes = [
                (str(t), _items(done), _items(doing))
                for t, done, doing in zip(ysd["voice_theme"], ysd["we_did"], ysd["we_are_doing"], strict=True)
                if str(t).strip()
            ][:5]
            break
    else:
        if read:
            gaps.append(
                "No quarter's pack has the table voice_you_said_we_did: the summary cannot yet say what changed"
            )
    if read:
        themes: dict[str, int] = {}
        last = read[-1]
        for name in sorted(n for n in last.tables_index if n.startswith("flags_")):
            df = read_table(last, name)
            if df is None or df.empty:
                continue
            concern = df[df["direction"] == "concern"] if "direction" in df.columns else df
            for _, r in concern.iterrows():
                ts = [t.strip() for t in str(r.get("themes", "") or "").split(";") if t.strip()]
                if not ts and name.removeprefix("flags_") in _ANALYSIS_THEMES:
                    ts = [_ANALYSIS_THEMES[name.removeprefix("flags_")]]
                for t in ts:
                    if t in THEME_SENTENCES:
                        themes[t] = themes.get(t, 0) + 1
        facts.next_themes = [t for t, _ in sorted(themes.items(), key=lambda kv: (-kv[1], kv[0]))][:4]
    return facts


def _span(quarters: Sequence[str], year: str) -> str:
    first, second = int(year[:4]), int(year[:4]) + 1
    a, b = quarters[0], quarters[-1]
    y1 = first if a != "Q4" else second
    y2 = first if b != "Q4" else second
    return f"{_MONTHS[a][0]} {y1} to {_MONTHS[b][1]} {y2}"


def _lower_first(text: str) -> str:
    return text[:1].lower() + text[1:] if text[1:2].islower() else text


def summary_markdown(facts: SummaryFacts) -> str:
    """The children's summary in Markdown: four short parts, short sentences, no jargon.

    Every sentence is a template filled with a published figure or theme; a figure that is not
    shown (suppressed or missing) leaves its sentence out.
    """
    q = facts.quarters_read
    lines = [f"# Keeping children safe: our year {facts.year}", ""]
    lines.append(
        f"We are the {facts.partnership}. The council, the police and health services work together. "
        "Our job is to help keep children safe."
    )
    if q:
        lines.append("")
        lines.append(f"This is what we did from {_span(q, facts.year)}.")
        if len(q) < 4:
            lines.append("It is only part of the year. We will add the rest later.")
    lines += ["", "## What we did this year", ""]
    if facts.agencies:
        lines.append(
            f"- We asked {number_words(facts.agencies)} groups that work with children to check how they keep children safe."
        )
    if facts.audits:
        lines.append(
            f"- Workers from different teams met {number_words(facts.audits)} times. "
            "They looked at how well they helped children and families."
        )
    lines.append("- We looked at which children get help. We checked that help is fair for every child.")
    lines += ["", "## What children told us", ""]
    if facts.children_heard:
        for season, theme, n in facts.children_heard:
            lines.append(f"- In the {season}, {number_words(n)} children talked to us about {_lower_first(theme)}.")
    others = [t for t in facts.themes_heard if t not in {theme for _, theme, _ in facts.children_heard}]
    if others:
        lines += ["", "You also told us about these things:", ""]
        lines += [f"- {_lower_first(t)}" for t in others]
    if not facts.children_heard and not facts.themes_heard:
        lines.append("- We did not hear from enough children this time. We want to hear from more of you.")
    lines += ["", "## What changed because of what you told us", ""]
    if facts.changes:
        for theme, done, doing in facts.changes:
            line = f"- You told us about {_lower_first(theme)}."
            if done:
                line += f" We did {number_words(done)} thing{'s' if done > 1 else ''} about it."
            if doing:
                line += f" We are still working on {number_words(doing)}{' more' if done else ''}."
            if not done and not doing:
                line += " We have not done anything about it yet. We will."
            lines.append(line)
    else:
        lines.append("- We are still writing down what changed. We will tell you next time.")
    lines += ["", "## What we will do next", ""]
    for t in facts.next_themes or ["working_together"]:
        lines.append(f"- {THEME_SENTENCES[t]}")
    lines += [
        "",
        "## Tell us what you think",
        "",
        "You can tell your social worker, your teacher or any grown-up you trust.",
        "",
    ]
    return "\n".join(lines)


def summary_html(facts: SummaryFacts) -> str:
    """The children's summary as an accessible page (the Markdown's content, every value escaped)."""
    body: list[str] = []
    in_list = False
    for line in summary_markdown(facts).splitlines():
        if line.startswith("- "):
            if not in_list:
                body.append("<ul>")
                in_list = True
            body.append(f"<li>{escape_text(line[2:])}</li>")
            continue
        if in_list:
            body.append("</ul>")
            in_list = False
        if line.startswith("## "):
            body.append(f"<h2>{escape_text(line[3:])}</h2>")
        elif line.startswith("# "):
            body.append(f"<h1>{escape_text(line[2:])}</h1>")
        elif line.strip():
            body.append(f"<p>{escape_text(line)}</p>")
    if in_list:
        body.append("</ul>")
    return page(f"Keeping children safe: our year {facts.year}", "\n".join(body), extra_class="summary")
