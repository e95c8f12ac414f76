"""The choices among notebook 01's parameters, checked before any notebook runs.

The pipeline checks each parameter's *type* from the notebook's parameters cell; this module
checks the *values* (a stage that exists, a false discovery rate between 0 and 1, a local
authority in the DfE reference data), so that a mistyped choice in ``parameters/<period>.yaml``
stops ``assurance validate`` with exit 2, naming the key, the value and what was expected,
instead of failing a cell half way through the run.
"""

from __future__ import annotations

from typing import Any, Mapping

from .. import reference as ref
from ..readers import register_parameter_check

__all__ = ["check_parameters"]

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
    for name, low, text in (("min_count", 1, "a whole number of children, 1 or more"),
                            ("lookback_months", 0, "a whole number of months, 0 or more"),
                            ("trend_quarters", 2, "a whole number of quarters, 2 or more")):
        if name in values:
            n = _number(values[name])
            if n is None or n != int(n) or n < low:
                out.append((name, values[name], text))
    if "max_ci_ratio" in values:
        m = _number(values["max_ci_ratio"])
        if m is None or m <= 1:
            out.append(("max_ci_ratio", values["max_ci_ratio"], "a number above 1 (the widest upper/lower ratio of a 95% interval)"))
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
            out.append(("benchmark_la", values["benchmark_la"],
                        "the nine-character code of a local authority in the DfE reference data (e.g. E06000015)"))
    return out


register_parameter_check(NOTEBOOK, check_parameters)
