"""The schools audit's computation on the Section 11 rating engine (no publishing, no drawing).

Ratings of record, moderation, evidence and trends are the engine's own functions
(:mod:`assurance_lib.section11.analysis`): one engine for agencies and schools.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from ..errors import InputError, Problem
from ..readers import display_path
from ..section11 import analysis as A
from ..section11.framework import Framework, load_framework
from .dip import DipSample, draw
from .inputs import engine_register, read_dip_history, read_schools_register, read_schools_returns
from .settings import Settings

__all__ = ["Inputs", "SchoolsResults", "load", "compute", "compliance_by"]


@dataclass(frozen=True, slots=True)
class Inputs:
    """The checked inputs of the schools audit."""

    framework: Framework
    register: pd.DataFrame
    returns: pd.DataFrame
    history: pd.DataFrame


def load(settings: Settings) -> Inputs:
    """Read and check the schools framework, register, returns and dip-sample history."""
    params = {
        "schools_framework_path": settings.schools_framework_path,
        "schools_register_path": settings.schools_register_path,
    }
    return Inputs(
        framework=load_framework(settings.schools_framework_path),
        register=engine_register(read_schools_register(settings.schools_register_path)),
        returns=read_schools_returns(settings.schools_returns_path, params),
        history=read_dip_history(settings.dip_history_path),
    )


@dataclass(frozen=True, slots=True)
class SchoolsResults:
    """Everything the schools section shows (true values, not yet published)."""

    framework: Framework
    register: pd.DataFrame
    cycle: str
    previous: str | None
    current: pd.DataFrame
    ratings: pd.DataFrame
    received: pd.DataFrame
    moderation: pd.DataFrame
    evidence: pd.DataFrame
    trends: pd.DataFrame
    schools: pd.DataFrame
    compliance: pd.DataFrame
    panel: pd.DataFrame
    dip: DipSample
    history: pd.DataFrame
    settings: Settings
    source: str


def _school_status(current: pd.DataFrame, register: pd.DataFrame, received: pd.DataFrame) -> pd.DataFrame:
    """One row per school: its return status and compliance (every standard fully met, any not met)."""
    g = current.groupby("agency")
    rec = received.set_index("agency")["status"]
    out = register[["agency", "urn", "school", "phase", "type", "trust"]].copy()
    out["return_status"] = out["agency"].map(rec).astype("string")
    out["standards_rated"] = out["agency"].map(g.size()).fillna(0).astype("int64")
    out["not_met"] = (
        out["agency"].map(g["status"].apply(lambda s: int(s.eq("not met").sum()))).fillna(0).astype("int64")
    )
    out["partially_met"] = (
        out["agency"].map(g["status"].apply(lambda s: int(s.eq("partially met").sum()))).fillna(0).astype("int64")
    )
    returned = out["standards_rated"] > 0
    out["compliance"] = "not returned"
    out.loc[returned & (out["not_met"] > 0), "compliance"] = "not compliant"
    out.loc[returned & (out["not_met"] == 0) & (out["partially_met"] > 0), "compliance"] = "partly compliant"
    out.loc[returned & (out["not_met"] == 0) & (out["partially_met"] == 0), "compliance"] = "compliant"
    return out


def compliance_by(schools: pd.DataFrame, by: str) -> pd.DataFrame:
    """Schools by ``by`` (``phase``, ``type`` or ``trust``): how many returned, compliant, partly and not compliant.

    A school not in a trust counts under ``not in a trust``. ``share_compliant`` is of those returned.
    """
    d = schools.assign(group=schools[by].fillna("not in a trust") if by == "trust" else schools[by])
    rows = []
    for grp, s in d.groupby("group", sort=True):
        ret = int((s["compliance"] != "not returned").sum())
        comp = int(s["compliance"].eq("compliant").sum())
        rows.append(
            {
                "grouping": by,
                "group": grp,
                "schools": len(s),
                "returned": ret,
                "compliant": comp,
                "partly_compliant": int(s["compliance"].eq("partly compliant").sum()),
                "not_compliant": int(s["compliance"].eq("not compliant").sum()),
                "share_compliant": round(comp / ret, 3) if ret else pd.NA,
            }
        )
    return pd.DataFrame(rows)


def compute(inputs: Inputs, settings: Settings, *, partnership: str) -> SchoolsResults:
    """Every schools result of the audit year (``settings.cycle``, else the latest in the returns)."""
    fw, reg, returns = inputs.framework, inputs.register, inputs.returns
    cycles = sorted(returns["cycle"].dropna().unique().tolist())
    cycle = settings.cycle if settings.cycle in cycles else (cycles[-1] if cycles else "")
    if not cycle:
        raise InputError(Problem(file=display_path(settings.schools_returns_path), message="holds no returns"))
    ratings_all = A.standard_ratings(returns)
    current = ratings_all[ratings_all["cycle"] == cycle].reset_index(drop=True)
    received = A.returns_received(reg, current, len(fw.standards))
    schools = _school_status(current, reg, received)
    compliance = pd.concat([compliance_by(schools, b) for b in ("phase", "type", "trust")], ignore_index=True)
    std_title = {s.id: s.label for s in fw.standards}
    nm = (
        current[current["status"].eq("not met")]
        .groupby("agency")["standard"]
        .apply(lambda s: ", ".join(std_title.get(x, x) for x in s))
    )
    panel = schools[schools["compliance"].isin(["not returned", "not compliant"])].copy()
    panel["reason"] = [
        "did not complete the audit" if c == "not returned" else f"not met: {nm.get(a, '')}"
        for a, c in zip(panel["agency"], panel["compliance"])
    ]
    panel = panel[["urn", "school", "phase", "type", "trust", "return_status", "compliance", "reason"]]
    dip = draw(sorted(reg["urn"].astype(str)), inputs.history, cycle, settings.dip_sample_size, settings.dip_seed)
    next_history = (
        inputs.history
        if dip.recorded
        else pd.concat(
            [inputs.history, pd.DataFrame({"year": cycle, "urn": list(dip.urns), "seed": str(dip.seed)})],
            ignore_index=True,
        )
    )
    ratings = A.ratings_table(current, fw, reg).merge(reg[["agency", "urn", "school"]], on="agency", how="left")
    ratings = ratings[
        ["urn", "school", *[c for c in ratings.columns if c not in ("agency", "sector", "urn", "school")]]
    ]
    return SchoolsResults(
        framework=fw,
        register=reg,
        cycle=cycle,
        previous=A.previous_cycle(cycles, cycle),
        current=current,
        ratings=ratings,
        received=received,
        moderation=A.moderation_summary(current, reg),
        evidence=A.evidence_summary(current, reg),
        trends=A.trends(ratings_all, cycle, reg),
        schools=schools,
        compliance=compliance,
        panel=panel.reset_index(drop=True),
        dip=dip,
        history=next_history.astype("string").reset_index(drop=True),
        settings=settings,
        source=f"Schools and colleges safeguarding audit (section 175/157), {cycle}, {partnership}",
    )
