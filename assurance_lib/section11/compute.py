"""The computation of notebook 02: read the inputs the settings name, then compute every result (no publishing).

:func:`load` reads the framework, the agency register, the returns and the optional practitioner
survey (each against its input contract); :func:`compute` gives a :class:`Section11Results` of
every table the notebook shows, as pure functions of :mod:`.analysis` (true values, not yet
published).
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from typing import Any

import pandas as pd

from ..config import Period
from ..errors import InputError, Problem
from ..readers import display_path
from . import analysis as A
from .framework import Framework, load_framework
from .inputs import read_agency_register, read_returns
from .settings import Settings
from .survey import read_practitioner_survey, summarise_practitioner_survey

__all__ = ["Inputs", "Section11Results", "load", "compute", "trend_summary"]


@dataclass(frozen=True, slots=True)
class Inputs:
    """The checked inputs of one Section 11 run."""

    framework: Framework
    register: pd.DataFrame
    returns: pd.DataFrame
    survey: pd.DataFrame | None


def _values(settings: Settings) -> dict[str, Any]:
    return {f.name: getattr(settings, f.name) for f in fields(settings)}


def load(settings: Settings) -> Inputs:
    """Read and check the framework, register, returns and (when given) the practitioner survey."""
    p = _values(settings)
    framework = load_framework(settings.framework_path)
    register = read_agency_register(settings.register_path, p)
    returns = read_returns(settings.returns_path, p)
    survey = read_practitioner_survey(settings.survey_path, p) if settings.survey_path else None
    if survey is not None and survey.empty:  # an optional input with no rows is a gap, as if not given
        survey = None
    return Inputs(framework=framework, register=register, returns=returns, survey=survey)


@dataclass(frozen=True, slots=True)
class Section11Results:
    """Everything notebook 02 shows, computed once by :func:`compute` (true values, not yet published)."""

    framework: Framework
    register: pd.DataFrame
    cycle: str
    previous: str | None
    ratings_all: pd.DataFrame
    current: pd.DataFrame
    ratings: pd.DataFrame
    standards: pd.DataFrame
    domains: pd.DataFrame
    sectors: pd.DataFrame
    agencies: pd.DataFrame
    moderation: pd.DataFrame
    crosstab: pd.DataFrame
    evidence: pd.DataFrame
    trends: pd.DataFrame
    received: pd.DataFrame
    ranking: pd.DataFrame
    actions: pd.DataFrame
    history: pd.DataFrame
    strengths: pd.DataFrame
    triangulation: pd.DataFrame | None
    survey_summary: pd.DataFrame | None
    flags: pd.DataFrame
    settings: Settings
    run_settings: dict[str, Any]
    source: str


def compute(inputs: Inputs, settings: Settings, period: Period, *, partnership: str) -> Section11Results:
    """Every Section 11 result of the cycle (``settings.cycle``, or the latest in the returns).

    Raises
    ------
    InputError
        A ``cycle`` with no returns.
    """
    framework, register, returns = inputs.framework, inputs.register, inputs.returns
    cycle = settings.cycle
    cycles = sorted(returns["cycle"].dropna().unique().tolist())
    if not cycle:
        cycle = cycles[-1] if cycles else ""
    if cycle not in cycles:
        raise InputError(
            Problem(
                file=display_path(settings.returns_path),
                column="cycle",
                value=cycle,
                message="has no returns for the cycle asked for",
                expected=f"a cycle present in the returns (one of: {', '.join(cycles) or 'none'})",
            )
        )
    previous = A.previous_cycle(cycles, cycle)
    ratings_all = A.standard_ratings(returns)
    current = ratings_all[ratings_all["cycle"] == cycle].reset_index(drop=True)
    rules = framework.risk or A.DEFAULT_RISK
    weights = dict(rules.weights)
    min_respondents = int(settings.survey_min_respondents)
    run_settings = {
        "cycle": cycle,
        "previous_cycle": previous or "none",
        "weights": weights,
        "rationale": dict(rules.rationale),
        "persistent_cycles": rules.persistent_cycles,
        "repeat_similarity": rules.repeat_similarity,
        "cycles_in_returns": len(cycles),
        "shortlist_size": int(settings.shortlist_size),
        "over_rating_threshold": float(settings.over_rating_threshold),
        "decline_threshold": int(settings.decline_threshold),
        "survey_min_respondents": min_respondents,
        "low_agreement": float(settings.low_agreement),
        "high_agreement": float(settings.high_agreement),
    }
    trend = A.trends(ratings_all, cycle, register)
    received = A.returns_received(register, current, len(framework.standards))
    standards = A.standard_summary(current, framework)
    moderation = A.moderation_summary(current, register)
    triangulation = survey_summary = None
    if inputs.survey is not None:
        survey_summary = summarise_practitioner_survey(inputs.survey, min_respondents=min_respondents)
        by_agency = summarise_practitioner_survey(
            inputs.survey, by=("agency", "standard"), min_respondents=min_respondents
        )
        triangulation = A.triangulate(
            current,
            by_agency,
            low_agreement=run_settings["low_agreement"],
            high_agreement=run_settings["high_agreement"],
        )
    as_at = pd.Timestamp(period.end)
    history = A.action_history(
        ratings_all, cycle, framework, register, as_at, repeat_similarity=rules.repeat_similarity
    )
    actions = A.action_plan(current, framework, register, as_at)
    flags = A.build_flags(
        standards=standards,
        moderation=moderation,
        trend=trend,
        received=received,
        history=history,
        register=register,
        current=current,
        framework=framework,
        over_rating_threshold=run_settings["over_rating_threshold"],
        decline_threshold=run_settings["decline_threshold"],
        persistent_cycles=rules.persistent_cycles,
        cycle=cycle,
    )
    return Section11Results(
        framework=framework,
        register=register,
        cycle=cycle,
        previous=previous,
        ratings_all=ratings_all,
        current=current,
        ratings=A.ratings_table(current, framework, register),
        standards=standards,
        domains=A.domain_summary(current, framework),
        sectors=A.sector_summary(current, register),
        agencies=A.agency_summary(current, register),
        moderation=moderation,
        crosstab=A.moderation_crosstab(current),
        evidence=A.evidence_summary(current, register),
        trends=trend,
        received=received,
        ranking=A.risk_ranking(
            register,
            current,
            trend,
            received,
            history,
            actions,
            framework,
            rules=rules,
            shortlist_size=run_settings["shortlist_size"],
            previous=previous,
        ),
        actions=actions,
        history=history,
        strengths=A.strengths(current),
        triangulation=triangulation,
        survey_summary=survey_summary,
        flags=flags,
        settings=settings,
        run_settings=run_settings,
        source=f"Section 11 self-assessment returns, cycle {cycle}, {partnership}",
    )


def trend_summary(trends: pd.DataFrame) -> pd.DataFrame:
    """Standards the agency's own rating declined, improved or kept, by agency, and how often the panel lowered it.

    Counts ``own_trend`` of :func:`~.analysis.trends` (the agency's own ratings: a decline is the
    agency's, not the panel's) and ``panel_effect`` (``lowered_by_panel``); most declines first.
    """
    cols = ["declined", "improved", "unchanged", "new standard", "no previous rating", "no previous cycle"]
    summary = (
        trends.assign(n=1)
        .pivot_table(index=["agency", "sector"], columns="own_trend", values="n", aggfunc="sum", fill_value=0)
        .reset_index()
    )
    summary.columns.name = None
    for c in cols:
        if c not in summary.columns:
            summary[c] = 0
    lowered = trends[trends["panel_effect"].eq("lowered")].groupby("agency").size()
    summary["lowered_by_panel"] = summary["agency"].map(lowered).fillna(0).astype("int64")
    summary = summary[["agency", "sector", *cols, "lowered_by_panel"]]
    return summary.sort_values(["declined", "agency"], ascending=[False, True]).reset_index(drop=True)
