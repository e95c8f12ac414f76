"""The one list of the workbench's analyses.

Each :class:`Analysis` names an analysis (its flags file ``flags_<name>.csv`` and its run-log
name), the notebook that runs it, the package that holds it, its title on the pack's front page
and the prefix of its published tables. Nothing else in the library repeats this list: the
notebook context, the pipeline, the command line and the front page read it from here.

Importing this module imports every analysis package, and importing an analysis package
registers its input contracts and parameter checks with :mod:`assurance_lib.readers`. So a
module that needs every contract (``assurance validate``, the notebook context's identifier
guard) imports the registry; the reader layer never imports an analysis.

Layers, bottom to top (a module imports only from layers below it)::

    errors, config, nbparams, dates/codes helpers
    readers, stats, tables, disclosure, charts, display
    publish
    analyses: disproportionality, section11, voice, audits, report
    registry
    notebook (setup), pipeline, frontpage
    cli
"""

from __future__ import annotations

from dataclasses import dataclass

from . import (  # noqa: F401  (importing them registers their input contracts)
    audits,
    core_dataset,
    disproportionality,
    learning,
    report,
    schools,
    section11,
)

__all__ = ["Analysis", "ANALYSES", "by_name", "by_notebook", "notebook_names"]


@dataclass(frozen=True, slots=True, kw_only=True)
class Analysis:
    """One analysis of the workbench.

    Attributes
    ----------
    name : str
        Short name: the flags file ``flags_<name>.csv``, the run log and the report use it.
    notebook : str
        The notebook that runs it, without ``.ipynb`` (``notebooks/<notebook>.ipynb``).
    module : str
        The package that holds it (``assurance_lib.<...>``).
    title : str
        Its title on the pack's front page.
    table_prefix : str
        The prefix of the names of its published tables and figures.
    summary : str
        One sentence under the title on the front page.
    short : str
        A short label (the report's chart of flags by analysis).
    report_title : str
        How the report names it in a sentence ("the Section 11 self-assessment").
    table_prefixes : tuple of str
        Every prefix of its published tables and figures (the report lists them as its evidence).
    raises_flags : bool
        Whether it publishes ``flags_<name>.csv`` (the report reads those files).
    """

    name: str
    notebook: str
    module: str
    title: str
    table_prefix: str
    summary: str = ""
    short: str = ""
    report_title: str = ""
    table_prefixes: tuple[str, ...] = ()
    raises_flags: bool = True


ANALYSES: tuple[Analysis, ...] = (
    Analysis(
        name="disproportionality",
        notebook="01_disproportionality",
        module="assurance_lib.disproportionality",
        title="Disproportionality in children's journeys",
        table_prefix="disproportionality",
        summary="Rates and ratios of children at each stage of the safeguarding journey by ethnic group and "
        "other characteristics.",
        short="Disproportionality",
        report_title="disproportionality in children's journeys",
        table_prefixes=("disproportionality", "dispro", "journey"),
    ),
    Analysis(
        name="section11",
        notebook="02_section11",
        module="assurance_lib.section11",
        title="Section 11 self-assessment",
        table_prefix="section11",
        summary="How partner agencies rate themselves against the Section 11 standards, with moderation and trends.",
        short="Section 11",
        report_title="the Section 11 self-assessment",
        table_prefixes=("section11", "s11"),
    ),
    Analysis(
        name="audits",
        notebook="03_audit_synthesis",
        module="assurance_lib.audits",
        title="Multi-agency case audits",
        table_prefix="audit",
        summary="What the period's multi-agency case file audits found: grades, themes and actions.",
        short="Case audits",
        report_title="multi-agency case audits",
        table_prefixes=("audit",),
    ),
    Analysis(
        name="core_dataset",
        notebook="04_core_dataset",
        module="assurance_lib.core_dataset",
        title="Core dataset: indicators, benchmarks and control charts",
        table_prefix="core",
        summary="The partnership's core multi-agency indicators against England and statistical neighbours, with "
        "process control charts and a one-page scorecard.",
        short="Core dataset",
        report_title="the core dataset",
        table_prefixes=("core",),
    ),
    Analysis(
        name="learning",
        notebook="05_learning",
        module="assurance_lib.learning",
        title="Learning, voice and impact",
        table_prefix="learning",
        summary="Reviews and their recommendations, the one action ledger across every source, what changed for "
        "children and how we know, and what children, families and practitioners said with what we did.",
        short="Learning and voice",
        report_title="learning, voice and impact",
        table_prefixes=("learning", "voice"),
    ),
    Analysis(
        name="report",
        notebook="06_assurance_report",
        module="assurance_lib.report",
        title="Quarterly assurance report: how are we doing?",
        table_prefix="report",
        summary="The partnership's quarterly report: main messages, what the data, quality assurance, practitioners "
        "and children tell us, the flags register, what changed since the previous period, gaps and next steps.",
        short="Report",
        report_title="the quarterly assurance report",
        table_prefixes=("report",),
        raises_flags=False,
    ),
)
"""The analyses in run order (the order of their notebooks)."""


def by_notebook(notebook: str) -> Analysis | None:
    """The analysis a notebook runs, or ``None`` for a notebook that is not one of the analyses.

    >>> by_notebook("02_section11").name
    'section11'
    >>> by_notebook("99_scratch") is None
    True
    """
    return next((a for a in ANALYSES if a.notebook == notebook), None)


def by_name(name: str) -> Analysis:
    """The analysis of a short name; ``KeyError`` naming the known ones otherwise.

    >>> by_name("audits").notebook
    '03_audit_synthesis'
    """
    for a in ANALYSES:
        if a.name == name:
            return a
    raise KeyError(f"no analysis named {name!r} (known: {', '.join(a.name for a in ANALYSES)})")


def notebook_names() -> tuple[str, ...]:
    """The notebooks of the analyses, in run order."""
    return tuple(a.notebook for a in ANALYSES)
