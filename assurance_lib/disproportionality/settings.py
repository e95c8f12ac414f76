"""Notebook 01's settings: its parameters, checked once, as a frozen value.

:class:`Settings` is built once from the notebook's parameters (``Settings.from_params(ctx.params)``)
and carries every choice of the analysis; it has no defaults of its own: the default of each
parameter lives once, in the notebook's ``parameters`` cell (and a period's parameters file).

:func:`check_parameters` checks the *values* (a stage that exists, a false discovery rate between
0 and 1, a local authority in the DfE reference data); it is registered with the reader layer, so
that a mistyped choice in ``parameters/<period>.yaml`` stops ``assurance validate`` with exit 2,
naming the key, the value and what was expected, before any notebook runs; and
:class:`Settings` refuses the same values with the same words.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, fields
from pathlib import Path
from typing import Any

from .. import reference as ref
from ..errors import InputError, Problem
from ..readers import register_parameter_check
from .analysis import resolve_feeders
from .grid import GridOptions

__all__ = ["Settings", "check_parameters", "NOTEBOOK"]

NOTEBOOK = "01_disproportionality"


def _number(v: Any) -> float | None:
    if isinstance(v, bool) or not isinstance(v, (int, float)):
        return None
    return float(v)


def check_parameters(values: Mapping[str, Any]) -> list[tuple[str, Any, str]]:
    """The wrong values among notebook 01's choices.

    Parameters
    ----------
    values : mapping
        The notebook's parameter values (defaults overridden by the parameters file).

    Returns
    -------
    list of (parameter, value, expected)
        Empty when every value is a valid choice. Parameters absent from ``values`` are not
        checked (their notebook default applies).

    Examples
    --------
    >>> check_parameters({"window": "rolling12", "fdr": 0.05, "forest_stage": "cpp_start"})
    []
    >>> check_parameters({"window": "annual", "fdr": 5})
    [('window', 'annual', 'one of: rolling12, quarter'), ('fdr', 5, 'a number between 0 and 1 (e.g. 0.05)')]
    """
    out: list[tuple[str, Any, str]] = []
    stages = ", ".join(ref.STAGE_CODES)

    def choice(name: str, allowed: tuple[str, ...]) -> None:
        if name in values and values[name] not in allowed:
            out.append((name, values[name], "one of: " + ", ".join(allowed)))

    choice("window", ("rolling12", "quarter"))
    choice("reference_group", ("WBRI", "all_other"))
    if "fdr" in values:
        f = _number(values["fdr"])
        if f is None or not 0 < f < 1:
            out.append(("fdr", values["fdr"], "a number between 0 and 1 (e.g. 0.05)"))
    for name, low, text in (
        ("min_count", 1, "a whole number of children, 1 or more"),
        ("lookback_months", 0, "a whole number of months, 0 or more"),
        ("trend_quarters", 2, "a whole number of quarters, 2 or more"),
    ):
        if name in values:
            n = _number(values[name])
            if n is None or n != int(n) or n < low:
                out.append((name, values[name], text))
    if "max_ci_ratio" in values:
        m = _number(values["max_ci_ratio"])
        if m is None or m <= 1:
            out.append(
                (
                    "max_ci_ratio",
                    values["max_ci_ratio"],
                    "a number above 1 (the widest upper/lower ratio of a 95% interval)",
                )
            )
    for name in ("forest_stage", "trend_stage"):
        if name in values and values[name] not in ref.STAGE_CODES:
            out.append((name, values[name], f"a stage code, one of: {stages}"))
    if "funnel_stages" in values:
        fs = values["funnel_stages"]
        bench = tuple(s for s in ref.STAGE_CODES if s in set(ref.load_benchmarks()["stage"]))
        bad = [s for s in (fs if isinstance(fs, (list, tuple)) else [fs]) if s not in bench]
        if not isinstance(fs, (list, tuple)) or bad:
            out.append(("funnel_stages", fs, "a list of stages in the DfE reference data, among: " + ", ".join(bench)))
    if "feeders" in values:
        fd = values["feeders"]
        if not isinstance(fd, Mapping):
            out.append(("feeders", fd, "a mapping of stage to its feeder stage, e.g. {cla_start: assessment}"))
        else:
            for s, f in fd.items():
                if s not in ref.FLOW_EVENTS or f not in ref.FLOW_EVENTS or s == f:
                    out.append((f"feeders.{s}", f, "two different flow stages, among: " + ", ".join(ref.FLOW_EVENTS)))
    if "benchmark_la" in values:
        bench = ref.load_benchmarks()
        las = set(bench.loc[bench["level"].eq("Local authority"), "area_code"].astype(str))
        if str(values["benchmark_la"]) not in las:
            out.append(
                (
                    "benchmark_la",
                    values["benchmark_la"],
                    "the nine-character code of a local authority in the DfE reference data (e.g. E06000015)",
                )
            )
    return out


register_parameter_check(NOTEBOOK, check_parameters)


@dataclass(frozen=True, slots=True, kw_only=True)
class Settings:
    """The choices of one disproportionality run (notebook 01's parameters; see its parameters cell).

    Attributes
    ----------
    events_path, population_path, aggregate_path : str
        The inputs (resolved paths; ``""`` = not given). At least one of events and aggregate.
    column_map, code_map, population_column_map : dict
        How the extracts' columns and codes map onto the input contracts.
    window : {'rolling12', 'quarter'}
        Flows counted over the 12 months to the period end, or the quarter.
    reference_group : {'WBRI', 'all_other'}
    feeders : dict
        Overrides of the feeder map (stage -> its feeder stage).
    lookback_months : int
    exclude_uasc_cla : bool
    min_count : int
    max_ci_ratio : float
    fdr : float
        False discovery rate for findings.
    benchmark_la : str
        The comparator local authority (nine-character code).
    trend_quarters : int
    trend_stage, forest_stage : str
        Stage codes charted.
    funnel_stages : tuple of str
    """

    events_path: str
    population_path: str
    aggregate_path: str
    column_map: dict[str, Any]
    code_map: dict[str, Any]
    population_column_map: dict[str, Any]
    window: str
    reference_group: str
    feeders: dict[str, str]
    lookback_months: int
    exclude_uasc_cla: bool
    min_count: int
    max_ci_ratio: float
    fdr: float
    benchmark_la: str
    trend_quarters: int
    trend_stage: str
    forest_stage: str
    funnel_stages: tuple[str, ...]

    def __post_init__(self) -> None:
        problems: list[Problem | str] = [
            Problem(file=f"notebook {NOTEBOOK}", key=name, value=value, expected=expected)
            for name, value, expected in check_parameters(self.values())
        ]
        if not self.events_path and not self.aggregate_path:
            problems.append(
                f"notebook {NOTEBOOK}: neither events_path nor aggregate_path is given (expected at least "
                "one: the journey events, or children by stage and group)"
            )
        if not self.population_path:
            problems.append(
                Problem(
                    file=f"notebook {NOTEBOOK}",
                    key="population_path",
                    message="is empty",
                    expected="the child population file",
                )
            )
        if problems:
            raise InputError(problems)

    @classmethod
    def from_params(cls, params: Mapping[str, Any]) -> Settings:
        """The settings of notebook 01's parameters (``ctx.params``).

        Raises
        ------
        InputError
            A parameter missing, or a value that is not a valid choice (each named).
        """
        names = [f.name for f in fields(cls)]
        missing = [n for n in names if n not in params]
        if missing:
            raise InputError(
                [
                    Problem(
                        file=f"notebook {NOTEBOOK}",
                        key=n,
                        message="is not given",
                        expected="every parameter of the notebook's parameters cell",
                    )
                    for n in missing
                ]
            )
        p = {n: params[n] for n in names}
        return cls(
            events_path=str(p["events_path"] or ""),
            population_path=str(p["population_path"] or ""),
            aggregate_path=str(p["aggregate_path"] or ""),
            column_map=dict(p["column_map"] or {}),
            code_map=dict(p["code_map"] or {}),
            population_column_map=dict(p["population_column_map"] or {}),
            window=p["window"],
            reference_group=p["reference_group"],
            feeders=p["feeders"] or {},
            lookback_months=p["lookback_months"],
            exclude_uasc_cla=bool(p["exclude_uasc_cla"]),
            min_count=p["min_count"],
            max_ci_ratio=p["max_ci_ratio"],
            fdr=p["fdr"],
            benchmark_la=str(p["benchmark_la"]),
            trend_quarters=p["trend_quarters"],
            trend_stage=p["trend_stage"],
            forest_stage=p["forest_stage"],
            funnel_stages=tuple(p["funnel_stages"])
            if isinstance(p["funnel_stages"], (list, tuple))
            else p["funnel_stages"],
        )

    def values(self) -> dict[str, Any]:
        """The settings as the notebook's parameter values (what the input contracts' readers take)."""
        return {f.name: getattr(self, f.name) for f in fields(self)}

    def path(self, name: str) -> Path | None:
        """The path of an input parameter, or ``None`` when it is not given."""
        v = getattr(self, name)
        return Path(v) if v else None

    def grid_options(self) -> GridOptions:
        """The options of the grid (reference group, smallest count, widest interval)."""
        return GridOptions(
            reference=str(self.reference_group),
            min_count=int(self.min_count),
            max_ci_ratio=float(self.max_ci_ratio),
            fdr=float(self.fdr),
        )

    def feeder_map(self) -> dict[str, str]:
        """Every stage's feeder stage (the defaults with this run's overrides)."""
        return resolve_feeders(self.feeders)
