"""The board's view: flags enriched for prioritising, ranked by the partnership's rules, an assurance level per
priority, what changed in words, and "is anyone better off?" from outcome indicators and impact evidence.

Pure functions of what the packs published (:class:`~assurance_lib.report.inputs.PublishedPack`) and the
priorities file (:class:`~assurance_lib.report.priorities.Priorities`): nothing here reads a file or publishes.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import pandas as pd

from ..config import Period
from .priorities import ASSURANCE_LEVELS, Priorities, rule_text

__all__ = [
    "EVIDENCE_RANK",
    "CORE_SOURCE",
    "LEARNING_SOURCE",
    "plain",
    "fmt_number",
    "flag_key",
    "enrich_flags",
    "score_items",
    "rank_items",
    "ThemeFacts",
    "theme_facts",
    "propose_assurance",
    "partnership_levels",
    "what_changed",
    "better_off",
    "open_actions",
    "items_named_in",
]

EVIDENCE_RANK = {"strong": 0, "moderate": 1, "indicative": 2}
_SEVERITY_EVIDENCE = {"high": "strong", "medium": "moderate", "low": "indicative"}
_QUARTER_RE = re.compile(r"^\d{4}-\d{2} Q[1-4]$")
CORE_SOURCE = "the core dataset"
LEARNING_SOURCE = "learning reviews and actions"
_CODE_PATTERNS = (
    re.compile(r"\s*\((?:[A-Z]{2,}[-_ ]?\d[\w-]*)\)"),  # "(AUD-2026-01)"
    re.compile(r"\b(?:audit|standard|review|action)\s+[A-Z]{2,}[-_]?\d[\w-]*", re.I),  # "audit AUD-2026-01"
    re.compile(r"^[A-Z]{1,4}\d{1,3}[a-z]?\s+"),  # a leading standard code "WT04 "
    re.compile(r"\b[A-Z]{2,}-\d{2,4}(?:-\d+)*\b"),  # any other code like "AUD-2026-01"
)


# =========================================================================== words
def plain(text: Any) -> str:
    """Text for the page: codes (audit ids, standard numbers) taken out, whitespace tidied.

    Examples
    --------
    >>> plain("Planning (AUD-2026-01)")
    'Planning'
    >>> plain("On re-audit of neglect (AUD-2026-01 against AUD-2025-03), all domains fell")
    'On re-audit of neglect, all domains fell'
    >>> plain("WT04 Whistleblowing arrangements")
    'Whistleblowing arrangements'
    >>> plain("audit AUD-2026-01 graded planning good in 48% of gradings (6 cases)")
    'the audit graded planning good in 48% of gradings (6 cases)'
    """
    s = str(text or "")
    s = _CODE_PATTERNS[0].sub("", s)
    s = _CODE_PATTERNS[1].sub(lambda m: "the " + m.group(0).split()[0].lower(), s)
    s = _CODE_PATTERNS[2].sub("", s)
    s = _CODE_PATTERNS[3].sub("", s)
    s = re.sub(r"\(\s*(?:against|and|vs\.?|to|,)?\s*\)", "", s)  # brackets left empty by the codes taken out
    s = re.sub(r"\s+([,.;:])", r"\1", s)
    return re.sub(r"\s{2,}", " ", s).strip()


def sentence(text: Any) -> str:
    """:func:`plain` with a capital first letter (a statement that began with a code).

    >>> sentence("audit AUD-2026-01 found it")
    'The audit found it'
    """
    s = plain(text)
    return s[:1].upper() + s[1:]


def _num(v: Any) -> float | None:
    try:
        x = float(str(v).strip())
    except (TypeError, ValueError):
        return None
    return None if math.isnan(x) else x


def fmt_number(v: Any, unit: str = "") -> str:
    """A published value in words for the page: a share as a percentage, at most one decimal place,
    whole numbers without one; a symbol (``[c]``) or empty cell as it is.

    Examples
    --------
    >>> fmt_number("0.70375", "share of agencies rated"), fmt_number("18.24", "%"), fmt_number("8605.0")
    ('70%', '18.2%', '8,605')
    """
    x = _num(v)
    if x is None:
        return str(v or "").strip() or "not given"
    u = unit.lower()
    if "share" in u or "proportion" in u:
        return f"{x * 100:.0f}%"
    s = f"{x:,.0f}" if abs(x - round(x)) < 1e-9 else f"{x:,.1f}"
    if u in ("%", "percent", "per cent", "percentage"):
        return s + "%"
    return s


def flag_key(df: pd.DataFrame) -> pd.Series:
    """A flag's identity across periods: analysis, category, subject and measure."""
    return (
        df["analysis"].astype(str)
        + "|"
        + df["category"].astype(str)
        + "|"
        + df["subject"].astype(str)
        + "|"
        + df["measure"].astype(str)
    )


# =========================================================================== enriching the flags
def _themes(row: Mapping[str, Any], pri: Priorities) -> str:
    """The flag's priority theme ids: its own ``themes`` (ids or tags), else its analysis, category or subject
    matched to a theme's tags."""
    ids: list[str] = []
    for w in str(row.get("themes") or "").split(";"):
        t = pri.theme_of(w)
        if t and t not in ids:
            ids.append(t)
    if not ids:
        for w in (row.get("analysis"), row.get("category"), row.get("subject")):
            t = pri.theme_of(str(w or ""))
            if t and t not in ids:
                ids.append(t)
    return ";".join(ids)


def _quarters_between(first: str, current: Period) -> int:
    """Quarters from ``first`` to ``current`` inclusive (1 when the same; at most 12)."""
    p, n = current, 1
    while p.label != first and n < 12:
        p, n = p.previous(), n + 1
    return n if p.label == first else 1


def _effect_band(effect: Any, unit: Any, pri: Priorities) -> tuple[str, str]:
    """(band, words) of an effect on the common footing of :attr:`Priorities.bands`."""
    x, u = _num(effect), str(unit or "").lower()
    if x is None:
        return "small", ""
    if "ratio" in u:
        b, size = pri.bands["ratio"], max(x, 1 / x) if x > 0 else 0
        words = f"{x:.1f} times"
    elif "share" in u or "proportion" in u:
        b, size, words = pri.bands["share"], abs(x), f"{abs(x) * 100:.0f}%"
    elif "point" in u:
        b, size, words = pri.bands["points_gap"], abs(x), f"{abs(x):.0f} percentage points"
    else:
        return "small", ""
    if size >= b["large"]:
        return "large", words
    if size >= b["moderate"]:
        return "moderate", words
    return "small", words


def enrich_flags(
    flags: pd.DataFrame,
    *,
    priorities: Priorities,
    period: Period,
    previous: pd.DataFrame | None = None,
    previous_register: pd.DataFrame | None = None,
    indicators: pd.DataFrame | None = None,
    source_names: Mapping[str, str] | None = None,
) -> pd.DataFrame:
    """Every flag with what prioritising needs (the flags contract's version 2, completed by the report).

    Parameters
    ----------
    flags : DataFrame
        This period's flags as read (:func:`~assurance_lib.report.inputs.read_flags`).
    priorities : Priorities
        The partnership's themes and their tags.
    period : Period
        The period reported on.
    previous : DataFrame, optional
        The previous period's flags (for ``first_period`` and ``persistence``).
    previous_register : DataFrame, optional
        The previous pack's ``report_flags_register`` (its ``first_period`` carries the chain further back).
    indicators : DataFrame, optional
        The core dataset's ``core_indicators`` (a source for triangulation).
    source_names : mapping, optional
        Analysis name -> how the page names it.

    Returns
    -------
    DataFrame
        The flags with ``evidence`` (from ``severity`` where the file has no evidence column), ``direction``
        (``concern`` where not given), ``themes`` (priority ids), ``first_period``, ``persistence`` (quarters in a
        row), ``sources_agree`` (other sources with the same theme and direction, ``; ``-separated) and ``key``.
    """
    names = dict(source_names or {})
    d = flags.copy().astype(object).reset_index(drop=True)
    for c in ("evidence", "direction", "themes", "first_period", "effect", "effect_unit", "affected", "agency"):
        if c not in d.columns:
            d[c] = ""
    if "statutory_partner" not in d.columns:
        d["statutory_partner"] = ""
    d["evidence"] = [
        e if e in EVIDENCE_RANK else _SEVERITY_EVIDENCE.get(str(s), "indicative")
        for e, s in zip(d["evidence"].astype(str).str.strip().str.lower(), d["severity"])
    ]
    d["direction"] = [
        x if x in ("concern", "strength", "context") else "concern"
        for x in d["direction"].astype(str).str.strip().str.lower()
    ]
    d["themes"] = [_themes(r, priorities) for _, r in d.iterrows()]
    d["key"] = flag_key(d)
    first: dict[str, str] = {}
    if previous is not None and len(previous):
        pk = flag_key(previous)
        own = previous.get("first_period", pd.Series([""] * len(previous)))
        for k, fp in zip(pk, own.astype(str)):
            first[k] = fp if _QUARTER_RE.match(fp) else period.previous().label
        if previous_register is not None and "first_period" in previous_register.columns:
            for k, fp in zip(flag_key(previous_register), previous_register["first_period"].astype(str)):
                if k in first and _QUARTER_RE.match(fp):
                    first[k] = fp
    fps = []
    for k, own_fp in zip(d["key"], d["first_period"].astype(str)):
        if k in first:
            fps.append(first[k])
        elif _QUARTER_RE.match(own_fp):
            fps.append(own_fp)
        else:
            fps.append(period.label)
    d["first_period"] = fps
    d["persistence"] = [_quarters_between(fp, period) for fp in fps]
    # triangulation: other sources saying the same about the same priority
    by_theme: dict[tuple[str, str], set[str]] = {}
    for a, th, di in zip(d["analysis"], d["themes"], d["direction"]):
        for t in str(th).split(";"):
            if t:
                by_theme.setdefault((t, di), set()).add(names.get(str(a), str(a)))
    if indicators is not None and len(indicators):
        for _, r in indicators.iterrows():
            di = _indicator_direction(r.get("direction"))
            for t in str(r.get("themes") or "").split(";"):
                if t.strip() and di:
                    by_theme.setdefault((t.strip(), di), set()).add(CORE_SOURCE)
    agree = []
    for a, th, di in zip(d["analysis"], d["themes"], d["direction"]):
        me = names.get(str(a), str(a))
        s: set[str] = set()
        for t in str(th).split(";"):
            s |= by_theme.get((t, di), set())
        agree.append("; ".join(sorted(s - {me})))
    d["sources_agree"] = agree
    return d


def _indicator_direction(v: Any) -> str:
    w = str(v or "").strip().lower()
    if w in ("concern", "worse", "worsening", "deteriorating", "below"):
        return "concern"
    if w in ("strength", "better", "improving", "improvement", "above"):
        return "strength"
    return ""


# =========================================================================== ranking
def score_items(items: pd.DataFrame, priorities: Priorities) -> pd.DataFrame:
    """Each flag's points under the partnership's ranking rules, with its reasons in words.

    Adds ``score`` (the total) and ``reasons`` (``; ``-separated, each with its points), following
    ``ranking.weights`` of the priorities file: evidence, effect, affected, persistence, triangulation,
    statutory partner.
    """
    w, bands = priorities.weights, priorities.bands
    scores, reasons = [], []
    for _, r in items.iterrows():
        parts: list[tuple[int, str]] = []
        ev = str(r["evidence"])
        parts.append((int(w["evidence"]["points"].get(ev, 0)), f"{ev} evidence"))
        band, words = _effect_band(r.get("effect"), r.get("effect_unit"), priorities)
        if words:
            parts.append((int(w["effect"]["points"].get(band, 0)), f"{band} effect ({words})"))
        n = _num(r.get("affected"))
        if n is not None:
            ab = "many" if n >= bands["affected"]["many"] else ("some" if n >= bands["affected"]["some"] else "few")
            unit = "agencies" if "agenc" in str(r.get("effect_unit", "")).lower() else "children or cases"
            parts.append((int(w["affected"]["points"].get(ab, 0)), f"{n:.0f} {unit} affected"))
        per = int(r.get("persistence") or 1)
        if per > 1:
            pts = min(
                int(w["persistence"]["points"]["per_period"]) * (per - 1), int(w["persistence"]["points"]["most"])
            )
            parts.append((pts, f"persistent for {per} quarters"))
        agree = [s for s in str(r.get("sources_agree") or "").split("; ") if s]
        if agree:
            pts = min(
                int(w["triangulation"]["points"]["per_source"]) * len(agree), int(w["triangulation"]["points"]["most"])
            )
            parts.append(
                (pts, f"{len(agree)} other source{'s agree' if len(agree) != 1 else ' agrees'} ({', '.join(agree)})")
            )
        if str(r.get("statutory_partner", "")).strip().lower() == "yes":
            parts.append((int(w["statutory_partner"]["points"].get("yes", 0)), "a statutory partner is involved"))
        scores.append(sum(p for p, _ in parts))
        reasons.append("; ".join(f"{t} (+{p})" for p, t in parts if p) or "no points under the ranking rules")
    out = items.copy()
    out["score"] = scores
    out["reasons"] = reasons
    return out


def rank_items(items: pd.DataFrame, priorities: Priorities, *, top: int) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The top list and everything else, both ordered by score.

    Concerns and strengths are ranked together (context is not ranked); ties are broken by evidence,
    then children affected, then the order published. ``strengths_in_top`` places go to the best
    strengths; with ``one_item_per_subject`` a subject (analysis and subject) appears once in the top
    list, its other findings counted in ``also`` (how many more findings share the subject).

    Returns
    -------
    (DataFrame, DataFrame)
        The top ``top`` items with ``rank`` (1, 2, ...) and ``also``; every other ranked item.
    """
    d = items[items["direction"].isin(["concern", "strength"])].copy()
    d["_ev"] = d["evidence"].map(EVIDENCE_RANK).fillna(9)
    d["_aff"] = [-(_num(v) or 0) for v in d["affected"]]
    d["_order"] = range(len(d))
    d = d.sort_values(["score", "_ev", "_aff", "_order"], ascending=[False, True, True, True], kind="stable")
    subj = d["analysis"].astype(str) + "|" + d["subject"].astype(str)
    chosen: list[int] = []
    seen: set[str] = set()

    def take(idx: Any) -> None:
        chosen.append(idx)
        seen.add(subj[idx])

    for idx in d.index[d["direction"].eq("strength")]:
        if (
            sum(d.loc[i, "direction"] == "strength" for i in chosen) >= priorities.strengths_in_top
            or len(chosen) >= top
        ):
            break
        if not (priorities.one_item_per_subject and subj[idx] in seen):
            take(idx)
    for idx in d.index:
        if len(chosen) >= top:
            break
        if idx in chosen or (priorities.one_item_per_subject and subj[idx] in seen):
            continue
        take(idx)
    topd = d.loc[chosen].copy()
    topd = topd.sort_values(["score", "_ev", "_aff", "_order"], ascending=[False, True, True, True], kind="stable")
    topd["rank"] = range(1, len(topd) + 1)
    counts = subj.value_counts()
    topd["also"] = [int(counts[subj[i]]) - 1 for i in topd.index]
    rest = d.drop(index=chosen)
    drop = ["_ev", "_aff", "_order"]
    return topd.drop(columns=drop).reset_index(drop=True), rest.drop(columns=drop).reset_index(drop=True)


# =========================================================================== assurance
@dataclass(frozen=True, slots=True)
class ThemeFacts:
    """What the assurance rules look at for one priority."""

    strengths: int
    concerns: int
    strong_concerns: int
    persistent_concerns: int
    sources: tuple[str, ...]

    def words(self) -> str:
        """The facts as a clause, e.g. ``2 strengths, 1 persistent concern, 3 sources``."""

        def n(k: int, w: str) -> str:
            return f"{k} {w}{'s' if k != 1 else ''}"

        return (
            f"{n(self.strengths, 'strength')}, {n(self.concerns, 'concern')} "
            f"({self.strong_concerns} on strong evidence, {self.persistent_concerns} persistent), "
            f"{n(len(self.sources), 'source')} of evidence"
        )


def theme_facts(
    theme: str,
    items: pd.DataFrame,
    *,
    indicators: pd.DataFrame | None,
    actions: pd.DataFrame | None,
    voice: pd.DataFrame | None,
    source_names: Mapping[str, str] | None = None,
) -> ThemeFacts:
    """Count the strengths, concerns and sources of evidence on ``theme`` (flags, core indicators, the action
    ledger and children's words)."""
    names = dict(source_names or {})
    on = items[items["themes"].astype(str).str.split(";").apply(lambda ts: theme in ts)]
    strengths = int(on["direction"].eq("strength").sum())
    conc = on[on["direction"].eq("concern")]
    sources = {names.get(str(a), str(a)) for a in on["analysis"]}
    ind_dirs = pd.Series([], dtype=object)
    if indicators is not None and len(indicators):
        ind = indicators[_has_theme(indicators, theme)]
        if len(ind):
            sources.add(CORE_SOURCE)
            if "direction" in ind.columns:
                ind_dirs = ind["direction"].map(_indicator_direction)
    if actions is not None and len(actions) and _has_theme(actions, theme).any():
        sources.add(LEARNING_SOURCE)
    if voice is not None and len(voice) and _has_theme(voice, theme).any():
        sources.add("children and families")
    return ThemeFacts(
        strengths=strengths + int(ind_dirs.eq("strength").sum()),
        concerns=len(conc) + int(ind_dirs.eq("concern").sum()),
        strong_concerns=int(conc["evidence"].eq("strong").sum()),
        persistent_concerns=int((conc["persistence"].astype(int) > 1).sum()),
        sources=tuple(sorted(sources)),
    )


def _has_theme(df: pd.DataFrame, theme: str) -> pd.Series:
    col = "themes" if "themes" in df.columns else ("theme" if "theme" in df.columns else None)
    if col is None:
        return pd.Series(False, index=df.index)
    return df[col].astype(str).str.split(";").apply(lambda ts: theme in [t.strip() for t in ts])


def propose_assurance(facts: ThemeFacts, priorities: Priorities) -> tuple[str, str]:
    """The level of the first assurance rule whose every condition holds, and why (the rule in words).

    Examples
    --------
    >>> from assurance_lib.report.priorities import load_priorities
    >>> pri = load_priorities("data/frameworks/priorities.yaml")
    >>> propose_assurance(ThemeFacts(3, 1, 0, 0, ("a", "b", "c")), pri)[0]
    'substantial'
    >>> propose_assurance(ThemeFacts(0, 0, 0, 0, ()), pri)[0]
    'no assurance'
    """
    got = {
        "strengths": facts.strengths,
        "strong_concerns": facts.strong_concerns,
        "persistent_concerns": facts.persistent_concerns,
        "concerns": facts.concerns,
        "sources": len(facts.sources),
    }
    for rule in priorities.assurance:
        ok = True
        for k, v in rule.items():
            if k.endswith("_at_least"):
                ok &= got[k.removesuffix("_at_least")] >= v
            elif k.endswith("_at_most"):
                ok &= got[k.removesuffix("_at_most")] <= v
        if ok:
            return str(rule["level"]), rule_text(rule)
    return "no assurance", "no rule matched"


_LEVEL_RE = re.compile(r"\b(substantial|reasonable|limited|no assurance)\b", re.I)
_DATE_RE = re.compile(
    r"\b(\d{1,2} (?:January|February|March|April|May|June|July|August|September|October|November|December)(?: \d{4})?)\b"
)


def partnership_levels(text: str, priorities: Priorities) -> dict[str, tuple[str, str]]:
    """The levels the partnership confirmed or set, from its commentary's "Assurance levels" section.

    One line a priority: ``- <theme title or id>: <level>`` and, optionally, a date (``14 October 2026``).
    Returns theme id -> (level, date or ""); a line naming no known priority or level is left out.

    Examples
    --------
    >>> from assurance_lib.report.priorities import load_priorities
    >>> pri = load_priorities("data/frameworks/priorities.yaml")
    >>> partnership_levels("- Neglect: reasonable, confirmed 14 October 2026\\n- equity: limited", pri)
    {'neglect': ('reasonable', '14 October 2026'), 'equity': ('limited', '')}
    """
    out: dict[str, tuple[str, str]] = {}
    for line in str(text or "").splitlines():
        m = re.match(r"^\s*[-*]?\s*([^:]+):\s*(.+)$", line)
        if not m:
            continue
        name = m.group(1).strip().lower()
        tid = next((t.id for t in priorities.themes.values() if name in (t.id.lower(), t.title.lower())), None)
        lv = _LEVEL_RE.search(m.group(2))
        if tid and lv:
            dm = _DATE_RE.search(m.group(2))
            out[tid] = (lv.group(1).lower(), dm.group(1) if dm else "")
    return out


# =========================================================================== what changed
def _evidence_row_present(flag: Mapping[str, Any], tables: Mapping[str, pd.DataFrame]) -> bool:
    """Whether the row a flag's evidence points at is still published (its table holds a row matching every
    ``key=value`` of the evidence key, the period left aside)."""
    t = tables.get(str(flag.get("evidence_table") or ""))
    if t is None:
        return False
    sel = t
    for part in str(flag.get("evidence_key") or "").split(";"):
        if "=" not in part:
            continue
        k, v = (x.strip() for x in part.split("=", 1))
        if k == "period" or k not in sel.columns:
            continue
        sel = sel[sel[k].astype(str).eq(v)]
    return len(sel) > 0


CHANGE_KINDS: tuple[tuple[str, str], ...] = (
    ("persistent", "Persistent: raised last quarter and still present"),
    ("new", "New this quarter"),
    ("escalated", "Escalated: the evidence is stronger than last quarter"),
    ("resolved with evidence", "Resolved with evidence: measured again and no longer found"),
    (
        "resolved without evidence",
        "Resolved without evidence: no longer measured (for example an audit left the window)",
    ),
)


def what_changed(
    current: pd.DataFrame, previous: pd.DataFrame, current_tables: Mapping[str, pd.DataFrame]
) -> pd.DataFrame:
    """Each finding of either period sorted into persistent, new, escalated, resolved with evidence and
    resolved without evidence.

    ``current`` is :func:`enrich_flags` of this period; ``previous`` the previous period's flags (their
    ``evidence`` or ``severity``); ``current_tables`` this pack's published tables (a resolved finding whose
    evidence row is still published was measured again: resolved with evidence).

    Returns
    -------
    DataFrame
        ``change, analysis, category, subject, measure, direction, previous_value, value, previous_evidence,
        evidence``.
    """
    prev = previous.copy().astype(object)
    if "evidence" not in prev.columns:
        prev["evidence"] = ""
    prev["evidence"] = [
        e if e in EVIDENCE_RANK else _SEVERITY_EVIDENCE.get(str(s), "indicative")
        for e, s in zip(prev["evidence"].astype(str).str.lower(), prev["severity"])
    ]
    if "direction" not in prev.columns:
        prev["direction"] = "concern"
    prev["direction"] = prev["direction"].replace("", "concern")
    pmap = {k: r for k, (_, r) in zip(flag_key(prev), prev.iterrows())}
    cols = [
        "change",
        "analysis",
        "category",
        "subject",
        "measure",
        "direction",
        "previous_value",
        "value",
        "previous_evidence",
        "evidence",
    ]
    rows = []
    for _, r in current.iterrows():
        p = pmap.get(r["key"])
        if p is None:
            ch, pv, pe = "new", "", ""
        else:
            pv, pe = p["value"], p["evidence"]
            ch = "escalated" if EVIDENCE_RANK.get(r["evidence"], 9) < EVIDENCE_RANK.get(pe, 9) else "persistent"
        rows.append(
            {
                "change": ch,
                **{c: r[c] for c in ("analysis", "category", "subject", "measure", "direction")},
                "previous_value": pv,
                "value": r["value"],
                "previous_evidence": pe,
                "evidence": r["evidence"],
            }
        )
    ckeys = set(current["key"])
    for k, p in pmap.items():
        if k in ckeys:
            continue
        ch = "resolved with evidence" if _evidence_row_present(p, current_tables) else "resolved without evidence"
        rows.append(
            {
                "change": ch,
                **{c: p[c] for c in ("analysis", "category", "subject", "measure", "direction")},
                "previous_value": p["value"],
                "value": "",
                "previous_evidence": p["evidence"],
                "evidence": "",
            }
        )
    return pd.DataFrame(rows, columns=cols).astype(object)


# =========================================================================== better off and next steps
def better_off(indicators: pd.DataFrame | None, actions: pd.DataFrame | None) -> pd.DataFrame:
    """The "Is anyone better off?" rows: outcome indicators of the core dataset (``oba`` "better off") and actions
    of the ledger with impact evidence. Never a count of flags.

    Returns
    -------
    DataFrame
        ``source`` (``indicator`` or ``impact``), ``title``, ``value``, ``unit``, ``numerator``, ``denominator``,
        ``england``, ``neighbours_median``, ``variation``, ``assurance``, ``direction``, ``themes``,
        ``owner``, ``impact``, ``impact_evidence``.
    """
    cols = [
        "source",
        "title",
        "value",
        "unit",
        "numerator",
        "denominator",
        "england",
        "neighbours_median",
        "variation",
        "assurance",
        "direction",
        "themes",
        "owner",
        "impact",
        "impact_evidence",
    ]
    rows: list[dict[str, Any]] = []
    if indicators is not None and len(indicators) and "oba" in indicators.columns:
        sel = indicators[indicators["oba"].astype(str).str.strip().str.lower().eq("better off")]
        for _, r in sel.iterrows():
            rows.append(
                {
                    "source": "indicator",
                    **{c: r.get(c, "") for c in cols if c not in ("source", "owner", "impact", "impact_evidence")},
                }
            )
    if actions is not None and len(actions):
        ev = actions.get("impact_evidence", pd.Series([""] * len(actions))).astype(str).str.strip()
        sel = actions[ev.ne("")]
        for _, r in sel.iterrows():
            rows.append(
                {
                    "source": "impact",
                    "title": str(r.get("action") or r.get("title") or r.get("description") or ""),
                    "themes": r.get("themes", ""),
                    "owner": r.get("owner_agency", ""),
                    "impact": r.get("impact", ""),
                    "impact_evidence": r.get("impact_evidence", ""),
                }
            )
    return pd.DataFrame(rows, columns=cols).fillna("").astype(object)


def open_actions(actions: pd.DataFrame | None, theme: str | None = None) -> pd.DataFrame:
    """Actions of the ledger not completed (on ``theme`` when given), soonest due first."""
    if actions is None or not len(actions):
        return pd.DataFrame()
    a = actions.copy()
    done = (
        a.get("status", pd.Series([""] * len(a)))
        .astype(str)
        .str.lower()
        .isin(["completed", "complete", "closed", "done"])
    )
    done |= a.get("completed", pd.Series([""] * len(a))).astype(str).str.strip().ne("")
    a = a[~done]
    if theme is not None:
        a = a[_has_theme(a, theme)]
    return a.sort_values("due", kind="stable") if "due" in a.columns else a


def items_named_in(text: str, items: pd.DataFrame) -> pd.DataFrame:
    """The findings whose subject the text names (the subject in words, case-insensitive, at least 10 characters,
    so that a passing word such as "Police" does not count as naming a finding)."""
    low = str(text or "").lower()
    hit = [i for i, s in zip(items.index, items["subject"]) if len(plain(s)) >= 10 and plain(s).lower() in low]
    return items.loc[hit]


def level_index(level: str) -> int:
    """The position of an assurance level, strongest first."""
    return ASSURANCE_LEVELS.index(level) if level in ASSURANCE_LEVELS else len(ASSURANCE_LEVELS)


def source_names(analyses: Sequence[Any]) -> dict[str, str]:
    """Analysis name -> the words the page uses for it (the registry's report title)."""
    return {a.name: (a.report_title or a.short or a.name) for a in analyses}
