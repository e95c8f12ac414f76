"""The pack's front page, ``shareable/index.html``.

A self-contained, accessible HTML page (no external resources, no scripts, no images): the
partnership, the period, the run date and version; then the quarterly assurance report first,
the three analyses, the accessible workbook, every published table and figure, and a
provenance section drawn from the pack's manifest. It has a ``lang`` attribute, a skip link,
landmarks (banner, navigation, main, contentinfo), one ``h1`` and ordered headings, tables
with captions and header scopes, and link text that makes sense out of context.
"""

from __future__ import annotations

import datetime as dt
import html
import json
import os
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

from . import registry

__all__ = ["NOTEBOOK_PAGES", "build_index", "render_index"]

NOTEBOOK_PAGES: tuple[tuple[str, str, str], ...] = tuple(
    (a.notebook, a.title, a.summary) for a in sorted(registry.ANALYSES, key=lambda a: a.name != "report")
)
"""(notebook, title, description) of the pages linked from the front page, report first."""

_CSS = """
body{font-family:Arial,Helvetica,sans-serif;color:#0b0c0c;background:#fff;margin:0;line-height:1.5;font-size:1.05rem}
.skip-link{position:absolute;left:-9999px;top:0;background:#ffdd00;color:#0b0c0c;padding:.5rem 1rem}
.skip-link:focus{left:0;z-index:10}
header,main,footer,nav{max-width:60rem;margin:0 auto;padding:0 1rem}
header{border-bottom:4px solid #12436d;padding-bottom:.5rem}
a{color:#1d4f91;text-decoration:underline}
a:visited{color:#4c2c92}
a:focus{outline:3px solid #0b0c0c;background:#ffdd00;color:#0b0c0c;text-decoration:none}
table{border-collapse:collapse;margin:.5rem 0 1.5rem;width:100%}
@media print{body{font-size:10pt}table{font-size:8.5pt}td{overflow-wrap:anywhere}}
caption{text-align:left;font-weight:bold;padding:.25rem 0}
th,td{border:1px solid #b1b4b6;padding:.3rem .5rem;text-align:left;vertical-align:top}
th{background:#f3f2f1}
dl{display:grid;grid-template-columns:max-content 1fr;gap:.2rem 1rem}
dt{font-weight:bold}
dd{margin:0}
code{font-family:"Courier New",monospace;word-break:break-all}
.lead{font-size:1.2rem}
.report-link{font-size:1.25rem;font-weight:bold}
footer{border-top:1px solid #b1b4b6;margin-top:2rem;padding-top:.5rem;font-size:.95rem}
"""


def _e(v: Any) -> str:
    return html.escape("" if v is None else str(v), quote=True)


def _date(v: Any) -> str:
    """An ISO timestamp as '22 November 2026, 05:10 UTC' (unparseable values as given)."""
    if not v:
        return "not recorded"
    try:
        t = dt.datetime.fromisoformat(str(v).replace("Z", "+00:00"))
    except ValueError:
        return str(v)
    if t.tzinfo is not None:
        t = t.astimezone(dt.UTC)
    return f"{t.day} {t:%B %Y, %H:%M} UTC" if t.tzinfo is not None else f"{t.day} {t:%B %Y, %H:%M}"


def _python(v: Any) -> str:
    """The manifest's Python entry (a version string or a mapping with ``version``)."""
    if isinstance(v, Mapping):
        extra = ", ".join(str(v[k]) for k in ("implementation", "platform") if v.get(k))
        return f"{v.get('version', 'not recorded')}" + (f" ({extra})" if extra else "")
    return str(v) if v else "not recorded"


def _table(caption: str, headers: Sequence[str], rows: Iterable[Sequence[str]], *, raw_first: bool = False) -> str:
    """An HTML table with a caption and column header scopes; cells are escaped unless ``raw_first``."""
    body = []
    for r in rows:
        cells = []
        for i, c in enumerate(r):
            cell = c if (raw_first and i == 0) else _e(c)
            cells.append(f'<th scope="row">{cell}</th>' if i == 0 else f"<td>{cell}</td>")
        body.append("<tr>" + "".join(cells) + "</tr>")
    if not body:
        return f"<p>{_e(caption)}: none recorded.</p>"
    head = "".join(f'<th scope="col">{_e(h)}</th>' for h in headers)
    return (
        f"<table><caption>{_e(caption)}</caption><thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table>"
    )


def _declared_tables(share: Path) -> list[dict[str, Any]]:
    idx = share / "tables" / "index.json"
    decls: list[dict[str, Any]] = []
    if idx.is_file():
        raw = json.loads(idx.read_text(encoding="utf-8"))
        decls = list(raw.get("tables", raw) if isinstance(raw, dict) else raw)
    known = {str(d.get("file") or f"{d.get('name')}.csv") for d in decls}
    for f in sorted((share / "tables").glob("*.csv")) if (share / "tables").is_dir() else []:
        if f.name not in known:
            decls.append(
                {"name": f.stem, "file": f.name, "title": "(not declared in index.json)", "unit": "", "rule": ""}
            )
    return decls


def _shorthand(manifest: Mapping[str, Any]) -> str:
    """The sentence explaining the symbols of this run's tables (its own disclosure settings)."""
    from .config import DisclosureConfig

    given = (manifest.get("parameters") or {}).get("disclosure") or {}
    names = ("suppressed", "not_applicable", "not_available", "low")
    try:
        cfg = DisclosureConfig(**{k: str(given[k]) for k in names if k in given})
    except (TypeError, ValueError):
        cfg = DisclosureConfig()
    meanings = cfg.symbol_meanings()
    order = (cfg.suppressed, cfg.not_applicable, cfg.not_available, cfg.low)
    return (
        "Shorthand in the tables: "
        + ", ".join(f"{sym} {meanings[sym]}" for sym in order)
        + "; in the disproportionality tables, insufficient: too few children or too wide an interval to estimate."
    )


def _file_name(path: Any) -> str:
    """A path as the scrutineer sees it: relative to the project when it was recorded so, else only the file name
    (an absolute path names a person's machine and never reaches the shareable folder)."""
    p = Path(str(path or ""))
    return p.name if p.is_absolute() else str(p)


def _day(v: Any) -> str:
    try:
        d = dt.date.fromisoformat(str(v)[:10])
    except ValueError:
        return str(v)
    return f"{d.day} {d:%B %Y}"


def _period_dates(manifest: Mapping[str, Any], period: str) -> str:
    params = manifest.get("parameters") if isinstance(manifest.get("parameters"), Mapping) else {}
    start, end = params.get("period_start"), params.get("period_end")
    if period and start and end:
        return f"{period} ({_day(start)} to {_day(end)})"
    return period or "not recorded"


def render_index(pack_dir: Path, manifest: Mapping[str, Any]) -> str:
    """The front page's HTML for a pack (see :func:`build_index`)."""
    pack_dir = Path(pack_dir)
    share = pack_dir / "shareable"
    partnership = str(manifest.get("partnership") or "Safeguarding partnership")
    period = str(manifest.get("period") or "")
    if isinstance(manifest.get("period"), Mapping):
        period = str(manifest["period"].get("label", ""))
    version = str(manifest.get("version") or "not recorded")
    title = f"Safeguarding assurance pack, {period}" if period else "Safeguarding assurance pack"

    # --- the pages
    page_items = []
    for nb, t, desc in NOTEBOOK_PAGES:
        f = share / f"{nb}.html"
        if f.is_file():
            cls = ' class="report-link"' if nb == registry.by_name("report").notebook else ""
            page_items.append(f'<li><a{cls} href="{_e(f.name)}">{_e(t)}</a><br>{_e(desc)}</li>')
        else:
            page_items.append(
                f"<li><strong>{_e(t)}</strong>: not available in this pack (the page was not produced).<br>{_e(desc)}</li>"
            )
    report_item, analyses_items = page_items[0], page_items[1:]

    # --- workbook and tables
    wb = share / "tables" / "assurance_tables.xlsx"
    if wb.is_file():
        wb_html = (
            f'<p><a href="tables/assurance_tables.xlsx">Download every table in one accessible Excel '
            f"workbook (assurance_tables.xlsx, {max(1, wb.stat().st_size // 1024)} KB)</a>, with a cover sheet, "
            f"contents and notes.</p>"
        )
    else:
        wb_html = "<p>The Excel workbook was not produced for this pack.</p>"
    rows = []
    for d in _declared_tables(share):
        file = str(d.get("file") or f"{d.get('name')}.csv")
        link = f'<a href="tables/{_e(file)}">{_e(d.get("title") or d.get("name"))} (CSV)</a>'
        rows.append((link, str(d.get("unit") or ""), str(d.get("rule") or ""), str(d.get("source") or "")))
    tables_html = _table("Published tables (CSV)", ["Table", "Unit", "Disclosure rule", "Source"], rows, raw_first=True)

    # --- figures
    fig_rows = []
    figdir = share / "figures"
    stems = (
        sorted({p.stem for p in figdir.iterdir() if p.suffix.lower() in (".png", ".svg", ".csv")})
        if figdir.is_dir()
        else []
    )
    for s in stems:
        links = []
        for ext, label in ((".png", "PNG image"), (".svg", "SVG image"), (".csv", "data table, CSV")):
            if (figdir / f"{s}{ext}").is_file():
                links.append(f'<a href="figures/{_e(s + ext)}">{_e(s.replace("_", " "))} ({label})</a>')
        fig_rows.append(f"<li>{', '.join(links)}</li>")
    figs_html = f"<ul>{''.join(fig_rows)}</ul>" if fig_rows else "<p>No figures were published in this pack.</p>"

    # --- text documents (briefings, scorecards, the report's text and the partnership's commentary)
    textdir = share / "text"
    docs = sorted(textdir.glob("*.md")) if textdir.is_dir() else []
    doc_items = "".join(
        f'<li><a href="text/{_e(d.name)}">{_e(d.stem.replace("_", " "))} (Markdown text)</a></li>' for d in docs
    )
    docs_html = f"<ul>{doc_items}</ul>" if docs else "<p>No text documents were published in this pack.</p>"
    letterdir = share / "letters"
    letters = (
        sorted({p.stem for p in letterdir.iterdir() if p.suffix.lower() in (".html", ".docx")})
        if letterdir.is_dir()
        else []
    )
    if letters:
        items = []
        for s in letters:
            links = [
                f'<a href="letters/{_e(s + ext)}">{_e(s.replace("_", " "))} ({label})</a>'
                for ext, label in ((".html", "web page"), (".docx", "Word document"))
                if (letterdir / f"{s}{ext}").is_file()
            ]
            items.append(f"<li>{', '.join(links)}</li>")
        docs_html += (
            "<p>Scorecards and feedback letters, one per organisation, as a web page (print to A4) and a "
            "Word document:</p><ul>" + "".join(items) + "</ul>"
        )

    # --- provenance, for people: what was read, by whom and when; the machine detail stays in manifest.json
    pid = manifest.get("partnership_id")
    prov = [
        ("Partnership", partnership + (f" (id {pid})" if pid else "")),
        ("Period", _period_dates(manifest, period)),
        ("Run identifier", manifest.get("run_id") or "not recorded"),
        ("Run started", _date(manifest.get("started"))),
        ("Run finished", _date(manifest.get("finished"))),
        ("Workbench version", version),
        ("Git commit", manifest.get("git_commit") or "not recorded"),
        ("Python", _python(manifest.get("python"))),
    ]
    prov_html = "<dl>" + "".join(f"<dt>{_e(k)}</dt><dd>{_e(v)}</dd>" for k, v in prov) + "</dl>"
    inputs = [i for i in (manifest.get("inputs") or []) if isinstance(i, Mapping) and i.get("contract") != "reference"]
    in_rows = []
    for i in inputs:
        first, last = i.get("first_date"), i.get("last_date")
        in_rows.append(
            (
                str(i.get("contract", "")).replace("_", " "),
                str(i.get("notebook") or "all"),
                _file_name(i.get("path")),
                "" if i.get("rows") is None else f"{int(i['rows']):,}",
                f"{_day(first)} to {_day(last)}" if first and last else "no dates",
            )
        )
    prov_html += _table(
        "Inputs read, with their rows and the dates they cover", ["Input", "Notebook", "File", "Rows", "Dates"], in_rows
    )
    not_given = [str(k) for k in (manifest.get("inputs_not_given") or [])]
    if not_given:
        prov_html += (
            "<p>Inputs the partnership did not have this period (named <code>none</code>): "
            + _e(", ".join(not_given))
            + ". The report lists them among the gaps in knowledge.</p>"
        )
    nbs = manifest.get("notebooks") or []
    nb_rows = []
    for n in nbs:
        if not isinstance(n, Mapping):
            continue
        d = n.get("duration_s")
        nb_rows.append(
            (
                str(n.get("name", "")),
                str(n.get("status", "")),
                f"{float(d):.1f}" if isinstance(d, (int, float)) else str(d or ""),
            )
        )
    prov_html += _table("Notebooks run", ["Notebook", "Status", "Duration (seconds)"], nb_rows)
    prov_html += (
        "<p>The complete machine record (every parameter, the SHA-256 fingerprint of every input and output, "
        'the software versions) is in the pack\'s <a href="../manifest.json">manifest.json</a>, beside the '
        "<code>shareable</code> folder.</p>"
    )

    run_date = _date(manifest.get("finished") or manifest.get("started"))
    return f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{_e(title)}: {_e(partnership)}</title>
<style>{_CSS}</style>
</head>
<body>
<a class="skip-link" href="#main">Skip to main content</a>
<header>
<p class="lead">{_e(partnership)}</p>
<h1>{_e(title)}</h1>
<dl>
<dt>Period</dt><dd>{_e(period or "not recorded")}</dd>
<dt>Run date</dt><dd>{_e(run_date)}</dd>
<dt>Version</dt><dd>{_e(version)}</dd>
</dl>
</header>
<nav aria-label="Contents of this page">
<h2>Contents</h2>
<ul>
<li><a href="#report">The quarterly assurance report</a></li>
<li><a href="#analyses">The three analyses</a></li>
<li><a href="#tables">Tables and the Excel workbook</a></li>
<li><a href="#figures">Figures</a></li>
<li><a href="#documents">Text documents</a></li>
<li><a href="#provenance">Provenance</a></li>
</ul>
</nav>
<main id="main" tabindex="-1">
<section aria-labelledby="report">
<h2 id="report">The quarterly assurance report</h2>
<p>Start here: the report brings together the data, quality assurance, what practitioners and children tell us, and what will be done.</p>
<ul>{report_item}</ul>
</section>
<section aria-labelledby="analyses">
<h2 id="analyses">The three analyses</h2>
<ul>{"".join(analyses_items)}</ul>
</section>
<section aria-labelledby="tables">
<h2 id="tables">Tables and the Excel workbook</h2>
{wb_html}
{tables_html}
<p>{_e(_shorthand(manifest))}</p>
</section>
<section aria-labelledby="figures">
<h2 id="figures">Figures</h2>
<p>Each figure is published as an image with its data table.</p>
{figs_html}
</section>
<section aria-labelledby="documents">
<h2 id="documents">Text documents</h2>
<p>Briefings, scorecards and the report's text, as plain Markdown files.</p>
{docs_html}
</section>
<section aria-labelledby="provenance">
<h2 id="provenance">Provenance</h2>
{prov_html}
</section>
</main>
<footer>
<p>Every number in this pack has been through disclosure control; no information identifying a child appears in it.</p>
</footer>
</body>
</html>
"""


def build_index(pack_dir: Path, manifest: dict) -> Path:
    """Write the pack's front page ``shareable/index.html``.

    Parameters
    ----------
    pack_dir : Path
        The pack folder (holding ``shareable/``).
    manifest : dict
        The pack's manifest: ``partnership``, ``period``, ``run_id``, ``started``, ``finished``,
        ``version``, ``git_commit``, ``parameters``, ``inputs`` (list of ``{path, sha256}``),
        ``notebooks`` (list of ``{name, status, duration_s}``), ``packages`` (name -> version),
        ``python``. Missing keys are shown as "not recorded".

    Returns
    -------
    Path
        The page written (atomically replaced).
    """
    share = Path(pack_dir) / "shareable"
    share.mkdir(parents=True, exist_ok=True)
    out = share / "index.html"
    tmp = share / ".index.html.tmp"
    tmp.write_text(render_index(Path(pack_dir), manifest), encoding="utf-8")
    os.replace(tmp, out)
    return out
