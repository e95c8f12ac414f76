"""What notebook 02's schools section calls: read and compute once, then publish one part per call.

Tables ``schools_*`` (unit ``agencies``, rule ``organisations``: a school's audit ratings are
not personal data); one feedback letter per school in ``shareable/letters/``, as a web page and a Word document.
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from .. import display
from ..section11 import letters as L
from ..section11.present import slug
from ..tables import TableSpec
from .compute import SchoolsResults, compute, load
from .settings import Settings

__all__ = [
    "analyse",
    "show_schools_returns",
    "show_schools_compliance",
    "show_schools_panel",
    "show_dip_sample",
    "write_school_letters",
    "school_letter",
    "school_letter_html",
    "school_letter_word",
]


def analyse(ctx: Any) -> SchoolsResults | None:
    """Settings from the notebook's parameters, the schools inputs, and every schools result (``None`` when not given)."""
    settings = Settings.from_params(ctx.params)
    if not settings.enabled:
        return None
    return compute(load(settings), settings, partnership=ctx.config.partnership)


def _spec(res: SchoolsResults, name: str, title: str, notes: str = "") -> TableSpec:
    return TableSpec(name=name, title=title, unit="agencies", rule="organisations", source=res.source, notes=notes)


def _none() -> Any:
    return display.styled(
        pd.DataFrame({"note": ["No schools audit returns were given (schools_returns_path is empty)."]}),
        "Schools and colleges",
    )


def show_schools_returns(ctx: Any, res: SchoolsResults | None) -> Any:
    """Publish ``schools_status`` (every school: return, compliance) and ``schools_ratings``; return the status."""
    if res is None:
        return _none()
    ctx.publish.table(
        res.ratings,
        _spec(
            res,
            "schools_ratings",
            f"Schools audit ratings by school and standard, {res.cycle}",
            "Rating of record: the panel's moderated rating where moderated, else the school's own.",
        ),
    )
    cols = [
        "urn",
        "school",
        "phase",
        "type",
        "trust",
        "return_status",
        "standards_rated",
        "not_met",
        "partially_met",
        "compliance",
    ]
    shown = ctx.publish.table(
        res.schools[cols],
        _spec(
            res,
            "schools_status",
            f"Schools and colleges: audit returned and compliance, {res.cycle}",
            "Compliant = every standard fully met; partly compliant = none not met, some partially met; not compliant = "
            "at least one standard not met (rating of record).",
        ),
    )
    return display.styled(shown, f"Schools and colleges: audit returned and compliance, {res.cycle}")


def show_schools_compliance(ctx: Any, res: SchoolsResults | None) -> Any:
    """Publish ``schools_compliance`` (by phase, type and trust) and return it.

    Numbers: :func:`~.compute.compliance_by`.
    """
    if res is None:
        return _none()
    shown = ctx.publish.table(
        res.compliance,
        _spec(
            res,
            "schools_compliance",
            f"Schools compliance by phase, type and trust, {res.cycle}",
            "share_compliant is of the schools that returned the audit.",
        ),
    )
    return display.styled(shown, f"Schools compliance by phase, type and trust, {res.cycle}")


def show_schools_panel(ctx: Any, res: SchoolsResults | None) -> Any:
    """Publish ``schools_panel``: schools that did not complete the audit or are not compliant, for the panel."""
    if res is None:
        return _none()
    shown = ctx.publish.table(
        res.panel,
        _spec(
            res,
            "schools_panel",
            f"Schools for the non-compliance panel, {res.cycle}",
            "Schools that did not complete the audit, or with at least one standard not met (rating of record).",
        ),
    )
    return display.styled(shown, f"Schools for the non-compliance panel, {res.cycle}")


def show_dip_sample(ctx: Any, res: SchoolsResults | None) -> Any:
    """Publish the year's dip sample with its seed, the providers excluded, and the history with the draw added.

    Numbers: :func:`~.dip.draw`. The history file itself is never written by a run (see :mod:`.dip`).
    """
    if res is None:
        return _none()
    d = res.dip
    names = dict(zip(res.register["urn"].astype(str), res.register["school"]))
    how = "recorded in the history (not drawn again)" if d.recorded else "drawn in this run"
    sample = pd.DataFrame(
        {
            "year": d.year,
            "urn": list(d.urns),
            "school": [names.get(u, "") for u in d.urns],
            "seed": d.seed,
            "eligible_providers": d.eligible,
            "how": how,
        }
    )
    note = (
        f"{len(d.urns)} of {d.eligible} eligible providers, numpy default_rng({d.seed}).choice without replacement "
        f"over the eligible URNs in order; {len(d.excluded)} providers sampled in the previous three years are "
        "excluded (schools_dip_excluded)."
    )
    shown = ctx.publish.table(
        sample, _spec(res, "schools_dip_sample", f"Dip sample of schools and colleges, {d.year}", note)
    )
    ex = d.excluded.assign(school=d.excluded["urn"].map(names))
    ctx.publish.table(
        ex[["urn", "school", "last_sampled"]],
        _spec(
            res,
            "schools_dip_excluded",
            f"Providers excluded from the {d.year} dip sample",
            "Sampled in one of the previous three years: at most once every three years.",
        ),
    )
    ctx.publish.table(
        res.history,
        _spec(
            res,
            "schools_dip_history_next",
            f"Dip-sample history with the {d.year} draw",
            "After this pack is published, replace the dip-sample history file with this table and commit it "
            "(see docs/schools.md); the run never writes to the history itself.",
        ),
    )
    return display.styled(shown, f"Dip sample of schools and colleges, {d.year}")


def school_letter(res: SchoolsResults, urn: str, partnership: str) -> tuple[str, list[L.Block]]:
    """One school's feedback letter (ratings, compliance, dip sample): its title and blocks.

    Rendered by :func:`school_letter_html` (the web page) and :func:`school_letter_word` (the Word document).
    """
    s = res.schools[res.schools["urn"] == urn].iloc[0]
    title = f"Safeguarding audit feedback: {s['school']}"
    body = [
        L.paragraph(
            f"{partnership}. Schools and colleges safeguarding audit {res.cycle} (URN {urn}); framework: "
            f"{res.framework.title}.",
            "meta",
        ),
        L.bullets(
            [
                f"Phase: {s['phase']}",
                f"Type: {s['type']}",
                f"Trust: {s['trust'] if pd.notna(s['trust']) else 'none'}",
                f"Audit: {s['return_status']}",
                f"Compliance: {s['compliance']}",
                "In this year's dip sample: " + ("yes" if urn in res.dip.urns else "no"),
            ]
        ),
    ]
    r = res.ratings[res.ratings["urn"] == urn]
    if r.empty:
        body.append(
            L.paragraph(
                "We have not received your safeguarding audit. Please complete it: schools that do not "
                "are referred to the non-compliance panel."
            )
        )
    else:
        t = r[["standard_title", "self_rating", "moderated_rating", "rating", "evidence"]].copy()
        t.columns = ["Standard", "Your rating", "Panel", "Rating of record", "Evidence"]
        body += [L.heading("Ratings"), L.table(t, f"Audit ratings of {s['school']}, {res.cycle}")]
        if s["compliance"] == "not compliant":
            body.append(
                L.paragraph("At least one standard is not met: the school is referred to the non-compliance panel.")
            )
    return title, body


def school_letter_html(res: SchoolsResults, urn: str, partnership: str) -> str:
    """One school's feedback letter as an accessible web page (see :func:`school_letter`)."""
    return L.page(*school_letter(res, urn, partnership))


def school_letter_word(res: SchoolsResults, urn: str, partnership: str) -> bytes:
    """One school's feedback letter as a Word document (see :func:`school_letter`)."""
    return L.word(*school_letter(res, urn, partnership))


def write_school_letters(ctx: Any, res: SchoolsResults | None) -> Any:
    """Write one feedback letter per school to ``shareable/letters/``, as a web page and a Word document; return the list."""
    if res is None:
        return _none()
    rows = []
    for urn, name in zip(res.schools["urn"], res.schools["school"]):
        page = f"schools_feedback_{urn}_{slug(name)}"
        title, body = school_letter(res, urn, ctx.config.partnership)
        ctx.publish.document(page, L.page(title, body), word=L.word(title, body))
        rows.append({"urn": urn, "school": name, "page": f"letters/{page}.html", "word": f"letters/{page}.docx"})
    return display.styled(pd.DataFrame(rows), "School feedback letters written, one page per school")
