"""The report's figures, as pure functions of what the packs published (no reading, publishing or prose).

The flags register, the flags new, resolved, escalated or de-escalated since the previous
period, the published numbers that moved, the outcomes-based accountability view, and the
summaries of children's feedback and the practitioner survey. Because every number used was
already protected on the way out, nothing computed here can reveal more than the pack already
does: a value suppressed in either period gives a suppressed change.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import pandas as pd

from ..config import DisclosureConfig, Period
from ..tables import FLAG_COLUMNS, SEVERITIES
from .inputs import SENTIMENTS, PublishedPack, ReportInputs
from .settings import Settings

__all__ = [
    "ReportResults",
    "compute",
    "flags_register",
    "compare_flags",
    "compare_numbers",
    "oba_view",
    "oba_with_previous",
    "summarise_children_feedback",
    "is_number",
]

REGISTER_EXTRA: tuple[str, ...] = (
    "evidence",
    "direction",
    "themes",
    "first_period",
    "persistence",
    "sources_agree",
    "score",
    "reasons",
)
"""Columns the report adds to the register when it has them (the enriched flags of :mod:`.board`)."""

_NUM_RE = re.compile(r"^[-+]?(\d+(\.\d*)?|\.\d+)([eE][-+]?\d+)?$")
_NOT_COMPARED = re.compile(
    r"(^|_)(lower|upper|lcl|ucl|ci|p|q|p_value|q_value|se|z|method|indicative|shown|flag)(_|$)|_95$|_998$"
)


# =========================================================================== flags
def _flag_keys(df: pd.DataFrame) -> pd.Series:
    """A flag's identity across periods: analysis, category, subject, measure (+ occurrence)."""
    base = (
        df["analysis"].astype(str)
        + "|"
        + df["category"].astype(str)
        + "|"
        + df["subject"].astype(str)
        + "|"
        + df["measure"].astype(str)
    )
    occ = base.groupby(base).cumcount().astype(str)
    return base + "|" + occ


def flags_register(
    flags: pd.DataFrame, previous: pd.DataFrame | None = None, *, order: Sequence[str] = ()
) -> pd.DataFrame:
    """The flags register: every flag, grouped and ordered by severity, nothing lost or invented.

    Parameters
    ----------
    flags : DataFrame
        This period's flags (from :func:`read_flags`).
    previous : DataFrame, optional
        The previous period's flags; when given, ``status`` says whether each flag is new.

    Returns
    -------
    DataFrame
        ``ref`` (``H1``, ``H2``, ``M1`` ...), the :data:`FLAG_COLUMNS` exactly as published, and
        ``status`` (``new``, ``continuing`` or ``not compared``). Ordered high, medium, low; within
        a severity by analysis (in ``order``, the analyses' names in run order) and then as published.

    Examples
    --------
    >>> f = pd.DataFrame([dict.fromkeys(FLAG_COLUMNS, "x") | {"severity": s, "analysis": "audits"} for s in ("low", "high")])
    >>> flags_register(f)[["ref", "severity", "status"]].to_dict("records")
    [{'ref': 'H1', 'severity': 'high', 'status': 'not compared'}, {'ref': 'L1', 'severity': 'low', 'status': 'not compared'}]
    """
    extra = [c for c in REGISTER_EXTRA if c in flags.columns]
    d = flags[[*FLAG_COLUMNS, *extra]].copy().astype(object).reset_index(drop=True)
    d["_order"] = range(len(d))
    d["_sev"] = d["severity"].map({s: i for i, s in enumerate(SEVERITIES)})
    d["_an"] = d["analysis"].map({a: i for i, a in enumerate(order)}).fillna(len(order))
    if previous is None:
        status = pd.Series("not compared", index=d.index, dtype=object)
    else:
        prev_keys = set(_flag_keys(previous.astype(object)))
        status = _flag_keys(d).map(lambda k: "continuing" if k in prev_keys else "new").astype(object)
    d["status"] = status
    d = d.sort_values(["_sev", "_an", "_order"], kind="stable").reset_index(drop=True)
    d.insert(0, "ref", [f"{str(s)[0].upper()}{i + 1}" for s, i in zip(d["severity"], d.groupby("severity").cumcount())])
    return d[["ref", *FLAG_COLUMNS, "status", *extra]]


def compare_flags(current: pd.DataFrame, previous: pd.DataFrame) -> pd.DataFrame:
    """New, resolved, escalated and de-escalated flags between two periods.

    A flag is the same flag in both periods when its analysis, category, subject and measure
    match. Returns ``change`` (``new``, ``resolved``, ``escalated``, ``de-escalated``),
    ``previous_severity`` and the flag columns (this period's row; the previous period's for a
    resolved flag), ordered by change then severity.
    """
    cur = current[list(FLAG_COLUMNS)].astype(object).reset_index(drop=True)
    prev = previous[list(FLAG_COLUMNS)].astype(object).reset_index(drop=True)
    ck, pk = _flag_keys(cur), _flag_keys(prev)
    pmap = dict(zip(pk, prev["severity"]))
    rows = []
    rank = {s: i for i, s in enumerate(SEVERITIES)}
    for k, (_, r) in zip(ck, cur.iterrows()):
        if k not in pmap:
            rows.append({"change": "new", "previous_severity": "", **r.to_dict()})
        elif pmap[k] != r["severity"]:
            ch = "escalated" if rank.get(r["severity"], 9) < rank.get(pmap[k], 9) else "de-escalated"
            rows.append({"change": ch, "previous_severity": pmap[k], **r.to_dict()})
    cset = set(ck)
    for k, (_, r) in zip(pk, prev.iterrows()):
        if k not in cset:
            rows.append({"change": "resolved", "previous_severity": r["severity"], **r.to_dict()})
    out = pd.DataFrame(rows, columns=["change", "previous_severity", *FLAG_COLUMNS]).astype(object)
    order = {c: i for i, c in enumerate(("new", "escalated", "resolved", "de-escalated"))}
    out["_c"] = out["change"].map(order)
    out["_s"] = out["severity"].map(rank)
    return out.sort_values(["_c", "_s"], kind="stable").drop(columns=["_c", "_s"]).reset_index(drop=True)


# =========================================================================== numbers that moved
def is_number(v: Any) -> bool:
    """Whether a published cell (text) is a number, e.g. ``"12"`` or ``"-0.5"`` (not ``"[c]"``)."""
    return isinstance(v, str) and bool(_NUM_RE.match(v.strip()))


def _decimals(v: str) -> int:
    v = v.strip()
    return len(v.split(".", 1)[1]) if "." in v and "e" not in v.lower() else 0


def _compared_columns(
    decl: Mapping[str, Any], cur: pd.DataFrame, prev: pd.DataFrame, shorthand: Sequence[str]
) -> list[str]:
    keys = list(decl.get("keys") or [])
    counts = [c for c in (decl.get("counts") or []) if c in cur.columns and c in prev.columns]
    out = list(counts)
    for c in cur.columns:
        if c in keys or c in out or c not in prev.columns or _NOT_COMPARED.search(c.lower()):
            continue
        vals = [v for v in (*cur[c], *prev[c]) if isinstance(v, str) and v.strip() != ""]
        if vals and all(is_number(v) or v in shorthand for v in vals) and any(is_number(v) for v in vals):
            out.append(c)
    return out


def _key_text(keys: Sequence[str], row: Mapping[str, Any]) -> str:
    return "; ".join(f"{k}={row[k]}" for k in keys)


def compare_numbers(
    current: PublishedPack, previous: PublishedPack, *, symbols: DisclosureConfig
) -> tuple[pd.DataFrame, list[str]]:
    """Published numbers that moved between two packs, with direction.

    Only published values are compared: tables of the same name in both packs, rows matched on
    the declared ``keys`` (leaving out a key column whose values the two periods never share,
    such as ``period``), in the declared count columns and every other numeric column except
    interval bounds, p- and q-values. A value suppressed (or otherwise not a number) in either
    period gives a change of the suppressed symbol (or the not-available one) of ``symbols`` (the run's
    :class:`~assurance_lib.config.DisclosureConfig`), never a number.

    Returns
    -------
    (DataFrame, list of str)
        Rows ``table, key, measure, previous, current, change, direction`` for every compared
        cell whose value changed or could not be compared (direction ``up``, ``down`` or
        ``not comparable``), and sentences naming tables that could not be compared.
    """
    suppressed, not_available, shorthand = symbols.suppressed, symbols.not_available, tuple(symbols.symbol_meanings())
    rows: list[dict[str, Any]] = []
    notes: list[str] = []
    for name in sorted(set(current.tables) & set(previous.tables)):
        if name.startswith("flags_"):
            continue
        decl = current.declarations[name]
        keys = [k for k in (decl.get("keys") or [])]
        cur, prev = current.tables[name], previous.tables[name]
        if not keys or any(k not in cur.columns or k not in prev.columns for k in keys):
            notes.append(
                f"table {name} declares no key columns present in both periods, so its numbers were not compared"
            )
            continue
        # a key column whose values the two periods never share (the period itself, a window ending on the
        # period's last day) says which period a row is for: rows are matched on the other keys
        keys = [k for k in keys if set(cur[k].astype(str)) & set(prev[k].astype(str))]
        if not keys:
            notes.append(
                f"table {name}: no key column has values in common between the periods, so its numbers were not compared"
            )
            continue
        if cur.duplicated(keys).any() or prev.duplicated(keys).any():
            notes.append(f"table {name}: its key columns do not identify one row, so its numbers were not compared")
            continue
        cols = _compared_columns(decl, cur, prev, shorthand)
        m = cur.merge(prev, on=keys, how="inner", suffixes=("__cur", "__prev"))
        only_new = len(cur) - len(m)
        only_old = len(prev) - len(m)
        if only_new or only_old:
            notes.append(
                f"table {name}: {only_new} row(s) appear only this period and {only_old} only in the previous period"
            )
        for _, r in m.iterrows():
            key = _key_text(keys, r)
            for c in cols:
                a, b = str(r[f"{c}__prev"]), str(r[f"{c}__cur"])
                if is_number(a) and is_number(b):
                    diff = float(b) - float(a)
                    dec = max(_decimals(a), _decimals(b))
                    diff = round(diff, dec)
                    if diff == 0:
                        continue
                    change = f"{diff:+.{dec}f}"
                    direction = "up" if diff > 0 else "down"
                else:
                    if a == b:
                        continue
                    change = suppressed if suppressed in (a, b) else not_available
                    direction = "not comparable"
                rows.append(
                    {
                        "table": name,
                        "key": key,
                        "measure": c,
                        "previous": a,
                        "current": b,
                        "change": change,
                        "direction": direction,
                    }
                )
    out = pd.DataFrame(rows, columns=["table", "key", "measure", "previous", "current", "change", "direction"])
    return out.astype(object), notes


# =========================================================================== OBA view
def oba_view(
    pack: PublishedPack,
    spec: Sequence[Mapping[str, Any]],
    changes: pd.DataFrame | None,
    *,
    symbols: DisclosureConfig | None = None,
) -> pd.DataFrame:
    """The outcomes-based accountability view (see :data:`DEFAULT_OBA`).

    Returns
    -------
    DataFrame
        ``area, question, measure, value, evidence_table, evidence_key, note``; values are
        published values (or counts of flags); the not-available symbol of ``symbols`` (the run's
        :class:`~assurance_lib.config.DisclosureConfig`, ``[x]`` by default) where the evidence is not in the pack.
    """
    symbols = symbols or DisclosureConfig()
    na = symbols.not_available
    rows = []
    for e in spec:
        base = {"area": e["area"], "question": e["question"], "measure": e["label"]}
        if "flags" in e:
            f = pack.flags[pack.flags["analysis"].eq(e["flags"])]
            if e.get("severity"):
                f = f[f["severity"].eq(e["severity"])]
            if e["flags"] in pack.missing_flags:
                rows.append(
                    {
                        **base,
                        "value": na,
                        "evidence_table": f"flags_{e['flags']}",
                        "evidence_key": "",
                        "note": "the analysis published no flags file this period",
                    }
                )
            else:
                rows.append(
                    {
                        **base,
                        "value": str(len(f)),
                        "evidence_table": f"flags_{e['flags']}",
                        "evidence_key": f"severity={e['severity']}" if e.get("severity") else "",
                        "note": "",
                    }
                )
        elif "resolved" in e:
            if changes is None:
                rows.append(
                    {
                        **base,
                        "value": na,
                        "evidence_table": "report_flag_changes",
                        "evidence_key": "",
                        "note": "no previous pack to compare with",
                    }
                )
            else:
                n = int((changes["change"].eq("resolved") & changes["analysis"].eq(e["resolved"])).sum())
                rows.append(
                    {
                        **base,
                        "value": str(n),
                        "evidence_table": "report_flag_changes",
                        "evidence_key": f"change=resolved; analysis={e['resolved']}",
                        "note": "",
                    }
                )
        else:
            rows.append({**base, **_oba_cell(pack, e, symbols)})
    return pd.DataFrame(
        rows, columns=["area", "question", "measure", "value", "evidence_table", "evidence_key", "note"]
    ).astype(object)


def _oba_cell(pack: PublishedPack, e: Mapping[str, Any], symbols: DisclosureConfig) -> dict[str, str]:
    """One table-based OBA measure: ``value`` (one row), ``sum`` or ``rows`` of the matching rows."""
    na = symbols.not_available
    t = pack.tables.get(e["table"])
    where = dict(e.get("where") or {})
    how = e.get("aggregate", "value")
    key = "; ".join(f"{k}={'|'.join(map(str, v)) if isinstance(v, list) else v}" for k, v in where.items())
    out = {"evidence_table": e["table"], "evidence_key": key}
    need = [k for k in where] + ([e["column"]] if how != "rows" else [])
    if t is None or any(c not in t.columns for c in need):
        return {**out, "value": na, "note": "this table or column is not in the pack"}
    sel = t
    for k, v in where.items():
        allowed = [str(x) for x in v] if isinstance(v, list) else [str(v)]
        sel = sel[sel[k].astype(str).isin(allowed)]
    if how == "rows":
        return {**out, "value": str(len(sel)), "note": "number of matching rows of the published table"}
    if len(sel) == 0:
        return {**out, "value": na, "note": "no row of the table matches"}
    vals = [str(v) for v in sel[e["column"]]]
    if how == "sum":
        if not all(is_number(v) for v in vals):
            sup = next((v for v in vals if v in symbols.symbol_meanings()), na)
            return {**out, "value": sup, "note": f"a value to add up is not published as a number ({sup})"}
        total = sum(float(v) for v in vals)
        return {**out, "value": f"{total:g}", "note": f"sum of {len(vals)} published values"}
    if len(sel) > 1:
        return {**out, "value": na, "note": f"{len(sel)} rows match; the measure needs exactly one"}
    return {**out, "value": vals[0], "note": ""}


def oba_with_previous(
    current: pd.DataFrame,
    previous: pd.DataFrame,
    *,
    suppressed: str,
    not_available: str = "[x]",
    not_applicable: str = "[z]",
) -> pd.DataFrame:
    """Add the previous period's value, the change and its direction to the OBA view.

    Measures "resolved since the previous period" have no previous value (``not_applicable``). A
    value not published as a number in either period gives no numeric change: ``suppressed`` when
    one of them is suppressed, otherwise ``not_available`` (pass the run's symbols).

    Examples
    --------
    >>> cur = pd.DataFrame({"measure": ["a", "b", "c"], "value": ["12", "[c]", "7"]})
    >>> prev = pd.DataFrame({"measure": ["a", "b", "c"], "value": ["10", "9", "7"]})
    >>> oba_with_previous(cur, prev, suppressed="[c]")[["previous", "change", "direction"]].values.tolist()
    [['10', '+2', 'up'], ['9', '[c]', 'not comparable'], ['7', '0', 'no change']]
    """
    out = current.copy()
    pv = dict(zip(previous["measure"], previous["value"]))
    prevs, changes, dirs = [], [], []
    for m, v, resolved in zip(out["measure"], out["value"], out.get("evidence_table", pd.Series([""] * len(out)))):
        a = str(pv.get(m, not_available))
        if resolved == "report_flag_changes":
            prevs.append(not_applicable)
            changes.append(not_applicable)
            dirs.append("not applicable")
            continue
        b = str(v)
        prevs.append(a)
        if is_number(a) and is_number(b):
            dec = max(_decimals(a), _decimals(b))
            d = round(float(b) - float(a), dec)
            changes.append(f"{d:+.{dec}f}" if d else "0")
            dirs.append("up" if d > 0 else ("down" if d < 0 else "no change"))
        else:
            changes.append(suppressed if suppressed in (a, b) else not_available)
            dirs.append("not comparable")
    out.insert(out.columns.get_loc("value"), "previous", prevs)
    out.insert(out.columns.get_loc("value") + 1, "change", changes)
    out.insert(out.columns.get_loc("change") + 1, "direction", dirs)
    return out.astype(object)


def summarise_children_feedback(df: pd.DataFrame) -> pd.DataFrame:
    """Children giving feedback by theme and sentiment, with an ``All sentiments`` row per theme.

    Activities are added together. Returns ``theme, sentiment, children`` (true counts: the
    disclosure rule is applied when the table is published), themes in order of total feedback.

    Examples
    --------
    >>> d = pd.DataFrame({"activity": ["A", "B"], "theme": ["Feeling safe", "Feeling safe"],
    ...                   "sentiment": ["positive", "positive"], "children": [7, 5]})
    >>> summarise_children_feedback(d).to_dict("records")
    [{'theme': 'Feeling safe', 'sentiment': 'All sentiments', 'children': 12}, {'theme': 'Feeling safe', 'sentiment': 'positive', 'children': 12}]
    """
    g = df.groupby(["theme", "sentiment"], as_index=False)["children"].sum()
    tot = g.groupby("theme", as_index=False)["children"].sum().assign(sentiment="All sentiments")
    order = tot.sort_values(["children", "theme"], ascending=[False, True])["theme"].tolist()
    out = pd.concat([tot, g], ignore_index=True)
    out["_t"] = out["theme"].map({t: i for i, t in enumerate(order)})
    out["_s"] = out["sentiment"].map({"All sentiments": -1, **{s: i for i, s in enumerate(SENTIMENTS)}})
    out = out.sort_values(["_t", "_s"]).drop(columns=["_t", "_s"]).reset_index(drop=True)
    out["children"] = out["children"].astype("int64")
    return out[["theme", "sentiment", "children"]].astype({"theme": object, "sentiment": object})


@dataclass(frozen=True, slots=True, kw_only=True)
class ReportResults:
    """The report's figures (true values of the report's own summaries; everything else as published).

    Attributes
    ----------
    register : DataFrame
        :func:`flags_register` of this period's flags (status against the previous period's).
    flag_changes, number_changes : DataFrame or None
        :func:`compare_flags` and :func:`compare_numbers` (None without a previous pack).
    number_notes : tuple of str
        Tables whose numbers could not be (fully) compared.
    oba : DataFrame
        :func:`oba_view`, with the previous period's values (:func:`oba_with_previous`) when there is
        a previous pack.
    children : DataFrame or None
        :func:`summarise_children_feedback` (None when no summary was given).
    practitioners : DataFrame or None
        The practitioner survey's agreement by theme (None when no survey was given).
    """

    register: pd.DataFrame
    flag_changes: pd.DataFrame | None
    number_changes: pd.DataFrame | None
    number_notes: tuple[str, ...]
    oba: pd.DataFrame
    children: pd.DataFrame | None
    practitioners: pd.DataFrame | None
    items: pd.DataFrame | None = None
    top: pd.DataFrame | None = None
    rest: pd.DataFrame | None = None
    facts: dict[str, Any] | None = None
    assurance: pd.DataFrame | None = None
    changed: pd.DataFrame | None = None
    better: pd.DataFrame | None = None


def assurance_table(
    items: pd.DataFrame, inputs: ReportInputs, *, names: Mapping[str, str]
) -> tuple[pd.DataFrame, dict[str, Any]]:
    """One row per priority: the facts, the level the rules propose and why, and the partnership's level.

    Returns
    -------
    (DataFrame, dict)
        ``theme, title, facts, proposed, rule, partnership, confirmed_on`` and theme id -> :class:`ThemeFacts`.
    """
    from . import board

    pri = inputs.priorities
    text = ""
    if inputs.commentary is not None:
        text = "\n".join(inputs.commentary.loc[inputs.commentary["section"].eq("assurance"), "text"].astype(str))
    agreed = board.partnership_levels(text, pri)
    rows, facts = [], {}
    for tid, t in pri.themes.items():
        f = board.theme_facts(
            tid,
            items,
            indicators=inputs.table("core_indicators"),
            actions=inputs.table("learning_actions"),
            voice=inputs.table("voice_register"),
            source_names=names,
        )
        facts[tid] = f
        level, why = board.propose_assurance(f, pri)
        lv, on = agreed.get(tid, ("", ""))
        rows.append(
            {
                "theme": tid,
                "title": t.title,
                "facts": f.words(),
                "proposed": level,
                "rule": why,
                "partnership": lv,
                "confirmed_on": on,
            }
        )
    return pd.DataFrame(rows).astype(object), facts


def compute(inputs: ReportInputs, settings: Settings, period: Period, *, symbols: DisclosureConfig) -> ReportResults:
    """Every figure of the report, from what the packs published and notebook 06's own inputs.

    Parameters
    ----------
    inputs : ReportInputs
        From :func:`~assurance_lib.report.inputs.load`.
    settings : Settings
        The notebook's parameters (they name the inputs, already read: no figure depends on them further).
    period : Period
        The period reported on (likewise: the packs read are already this period's and the previous one's).
    symbols : DisclosureConfig
        The run's disclosure settings, for its symbols (suppressed, not available, not applicable):
        a change involving a symbol is not a number.
    """
    from ..voice import summarise_practitioner_survey

    pack, prev = inputs.pack, inputs.previous
    flag_changes = number_changes = None
    number_notes: list[str] = []
    if prev is not None:
        flag_changes = compare_flags(pack.flags, prev.flags)
        number_changes, number_notes = compare_numbers(pack, prev, symbols=symbols)
    oba = oba_view(pack, inputs.oba_spec, flag_changes, symbols=symbols)
    if prev is not None:
        oba = oba_with_previous(
            oba,
            oba_view(prev, inputs.oba_spec, None, symbols=symbols),
            suppressed=symbols.suppressed,
            not_available=symbols.not_available,
            not_applicable=symbols.not_applicable,
        )
    from . import board

    names = board.source_names(pack.analyses)
    items = board.enrich_flags(
        pack.flags,
        priorities=inputs.priorities,
        period=period,
        previous=prev.flags if prev is not None else None,
        previous_register=inputs.previous_register,
        indicators=inputs.table("core_indicators"),
        source_names=names,
    )
    items = board.score_items(items, inputs.priorities)
    top, rest = board.rank_items(items, inputs.priorities, top=settings.top)
    assurance, facts = assurance_table(items, inputs, names=names)
    changed = board.what_changed(items, prev.flags, pack.tables) if prev is not None else None
    better = board.better_off(inputs.table("core_indicators"), inputs.table("learning_actions"))
    children = practitioners = None
    if inputs.children_feedback is not None:
        children = summarise_children_feedback(inputs.children_feedback)
    if inputs.practitioner_survey is not None:
        practitioners = summarise_practitioner_survey(inputs.practitioner_survey, by=("theme",))
    return ReportResults(
        register=flags_register(items, prev.flags if prev is not None else None, order=[a.name for a in pack.analyses]),
        flag_changes=flag_changes,
        number_changes=number_changes,
        number_notes=tuple(number_notes),
        oba=oba,
        children=children,
        practitioners=practitioners,
        items=items,
        top=top,
        rest=rest,
        facts=facts,
        assurance=assurance,
        changed=changed,
        better=better,
    )
