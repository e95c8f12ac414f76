"""Statistical disclosure control of children-counts tables.

The engine reads only the declarations (:class:`~assurance_lib.tables.TableSpec`): it turns
every count cell of every children-counts table of a pack into a non-negative integer
unknown, every declared relation (hierarchies, cells shared between tables) into a linear
constraint, and then

1. **primary suppression**: counts from 1 to ``threshold`` (and zeros when ``suppress_zeros``)
   are hidden; under rounding, counts that would be *shown* as 1 to ``threshold`` are hidden
   too, and a non-zero count that rounds to zero is shown as ``[low]``;
2. **secondary suppression** (deterministic heuristic, see :data:`HEURISTIC`): more cells are
   hidden until no hidden cell can be narrowed to fewer than ``protection_range`` values;
3. **recoverability audit**: the cells still unknown to a reader are split into independent
   components (union-find over the relations); for every hidden cell the smallest and largest
   value consistent with everything published (fixed or rounded cells, totals, linked tables,
   non-negativity, "zeros are shown") are found by linear programming
   (:func:`scipy.optimize.linprog`, HiGHS).

Publication is refused (:class:`~assurance_lib.errors.PublicationRefused`) when no pattern can
be found; messages name the table, column and key of a cell, never a true value.
"""

from __future__ import annotations

import heapq
import json
import math
import re
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from scipy import sparse
from scipy.optimize import Bounds, LinearConstraint, linprog, milp

from ..config import DisclosureConfig
from ..errors import PublicationRefused
from ..tables import TableSpec

__all__ = ["Protected", "protect", "audit_pack", "audit_tables", "is_suppressed", "is_symbol", "numeric", "HEURISTIC"]

HEURISTIC = (
    "Primary: counts 1..threshold hidden (zeros shown unless suppress_zeros). Secondary, repeated "
    "until the audit passes: (a) in every equality relation (a total and its parts, or two equal "
    "cells) with exactly one hidden cell, hide the smallest non-zero shown part (parts before "
    "totals, ties in table, row and column order); (b) where a shown total leaves its k hidden "
    "parts fewer than protection_range possible values, hide the next smallest non-zero part; "
    "(c) for every hidden cell the linear-programming audit finds too narrow, hide the smallest "
    "non-zero shown cell of a relation it belongs to (parts before totals). A zero is never hidden "
    "by secondary suppression, cells of earlier published tables are never changed."
)
"""The secondary suppression heuristic, as recorded in every audit."""

# cell states
_SHOWN, _HIDDEN, _LOW, _UNKNOWN = 0, 1, 2, 3
_EPS = 1e-6
_MIXED_SOLVES = 6
_HIGHS: dict[str, Any] = {"presolve": False}
_MILP_MAX = 400  # components up to this many unknowns get the integer check in the final audit
_MILP_MARGIN = 2  # ... for cells whose LP range is below protection_range + this
_LOCAL_FROM = 150  # components of this many unknowns are first checked cell by cell on neighbourhoods


# ----------------------------------------------------------------------------- helpers
def is_suppressed(value: Any, config: DisclosureConfig | None = None) -> bool:
    """Whether a published value is a suppressed cell (``[c]``) or a ``[low]`` count.

    Parameters
    ----------
    value : object
        A value read from a published table.
    config : DisclosureConfig, optional
        The shorthand in use (defaults to the DfE/GSS symbols).

    Examples
    --------
    >>> is_suppressed("[c]"), is_suppressed(" [low] "), is_suppressed(7), is_suppressed("12")
    (True, True, False, False)
    """
    config = config or DisclosureConfig()
    return isinstance(value, str) and value.strip() in (config.suppressed, config.low)


def is_symbol(value: Any, config: DisclosureConfig | None = None) -> bool:
    """Whether a published value is any GSS shorthand symbol (``[c]``, ``[low]``, ``[x]``, ``[z]``).

    Examples
    --------
    >>> is_symbol("[z]"), is_symbol("3")
    (True, False)
    """
    config = config or DisclosureConfig()
    return isinstance(value, str) and value.strip() in (
        config.suppressed,
        config.low,
        config.not_available,
        config.not_applicable,
    )


def numeric(values: pd.Series) -> pd.Series:
    """The numbers of a published column, with every shorthand symbol as NaN.

    Examples
    --------
    >>> numeric(pd.Series(["4", "[c]", "2.5"])).tolist()
    [4.0, nan, 2.5]
    """
    return pd.to_numeric(pd.Series(values), errors="coerce").astype("float64")


_NUMBER = r"\s*[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?\s*"


def _numtext(x: float) -> str:
    return str(int(x)) if float(x).is_integer() else repr(float(x))


def _keystr(values: Iterable[Any]) -> np.ndarray:
    """Normalised text of key values so that in-memory and read-back (CSV) values compare equal.

    Numbers (and text that reads as a number) become ``"7"`` or ``"0.5"``; missing values ``""``.

    Examples
    --------
    >>> _keystr([7, 7.0, "7", " 7.0 ", "a", None, 0.5]).tolist()
    ['7', '7', '7', '7', 'a', '', '0.5']
    """
    if not isinstance(values, pd.Series):
        out = []
        for v in values:
            if v is None or v is pd.NA or (isinstance(v, float) and math.isnan(v)):
                out.append("")
            elif isinstance(v, (int, float, np.integer, np.floating)) and not isinstance(v, bool):
                out.append(_numtext(float(v)))
            else:
                t = str(v).strip()
                if re.fullmatch(_NUMBER, t):
                    t = _numtext(float(t))
                out.append(t)
        return np.array(out, dtype=object)
    s = values
    if pd.api.types.is_numeric_dtype(s.dtype) and not pd.api.types.is_bool_dtype(s.dtype):
        arr = s.to_numpy(dtype=float, na_value=np.nan)
        return np.array(["" if math.isnan(x) else _numtext(x) for x in arr.tolist()], dtype=object)
    txt = s.astype("string").fillna("").str.strip()
    isnum = txt.str.fullmatch(_NUMBER).fillna(False).to_numpy(dtype=bool)
    out = txt.to_numpy(dtype=object, na_value="")
    if isnum.any():
        nums = pd.to_numeric(pd.Series(out[isnum]), errors="coerce").to_numpy(dtype=float)
        out[isnum] = [_numtext(x) if not math.isnan(x) else o for x, o in zip(nums.tolist(), out[isnum].tolist())]
    return out


def _match(t: _Table, cond: Mapping[str, Any], where: str) -> np.ndarray:
    mask = np.ones(len(t.frame), dtype=bool)
    for col, val in cond.items():
        vals = val if isinstance(val, (tuple, list, set, frozenset)) else (val,)
        mask &= np.isin(t.key(col, where), _keystr(vals))
    return mask


def _round(v: np.ndarray, base: int) -> np.ndarray:
    """Round half up to a multiple of ``base``."""
    return base * np.floor(v / base + 0.5)


def _round_interval(base: int) -> tuple[int, int]:
    """(below, above): a count shown as r (> 0) after rounding lies in [r - below, r + above].

    Rounding half up, a whole number x is shown as r when r - base/2 <= x < r + base/2; a count
    shown as ``[low]`` lies in [1, above].

    Examples
    --------
    >>> _round_interval(5), _round_interval(10)
    ((2, 2), (5, 4))
    """
    return base // 2, (base + 1) // 2 - 1


# ----------------------------------------------------------------------------- the cell model
@dataclass
class _Table:
    frame: pd.DataFrame
    spec: TableSpec
    frozen: bool  # published earlier: read back as text, never changed
    cell: dict[str, np.ndarray]  # count column -> cell id per row (-1: not a count there)
    keys: dict[str, np.ndarray] = field(default_factory=dict)

    def key(self, col: str, where: str) -> np.ndarray:
        """The normalised text of a column (computed once)."""
        if col not in self.keys:
            if col not in self.frame.columns:
                raise ValueError(f"{where}: column {col!r} is not in table {self.spec.name}")
            self.keys[col] = _keystr(self.frame[col])
        return self.keys[col]


class _Model:
    """Count cells of a set of tables and the linear relations between them."""

    def __init__(self, tables: list[_Table], config: DisclosureConfig):
        self.tables = tables
        self.config = config
        self.tab: list[int] = []
        self.row: list[int] = []
        self.col: list[str] = []
        values: list[np.ndarray] = []
        states: list[np.ndarray] = []
        for ti, t in enumerate(tables):
            for c in dict.fromkeys((*t.spec.counts, *t.spec.count_where)):
                if c not in t.frame.columns:
                    raise ValueError(f"table {t.spec.name}: declared count column {c!r} is not in the frame")
                if c in t.spec.count_where:
                    by, vals = t.spec.count_where[c]
                    mask = _match(t, {by: tuple(vals)}, f"table {t.spec.name}, count_where of {c!r}")
                else:
                    mask = np.ones(len(t.frame), dtype=bool)
                rows = np.flatnonzero(mask)
                ids = np.full(len(t.frame), -1, dtype=np.int64)
                ids[rows] = np.arange(len(self.tab), len(self.tab) + len(rows))
                t.cell[c] = ids
                self.tab.extend([ti] * len(rows))
                self.row.extend(rows.tolist())
                self.col.extend([c] * len(rows))
                v, st = self._read(t, c, rows)
                values.append(v)
                states.append(st)
        self.n = len(self.tab)
        self.value = np.concatenate(values) if values else np.zeros(0)
        self.state = np.concatenate(states).astype(np.int8) if states else np.zeros(0, dtype=np.int8)
        self.frozen = np.array([tables[t].frozen for t in self.tab], dtype=bool)
        self.primary = np.zeros(self.n, dtype=bool)
        # relations: list of (ids, coefs, sense 'E'/'L', roles 0=part 1=total, label)
        self.rel_ids: list[np.ndarray] = []
        self.rel_coef: list[np.ndarray] = []
        self.rel_sense: list[str] = []
        self.rel_role: list[np.ndarray] = []
        self.rel_pick: list[np.ndarray] = []  # the order secondary suppression picks cells in (0 first)
        self._build_relations()
        self._index_relations()

    # -- values
    def _read(self, t: _Table, c: str, rows: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        cfg = self.config
        raw = t.frame[c].iloc[rows]
        st = np.full(len(rows), _SHOWN, dtype=np.int8)
        if t.frozen:
            txt = _keystr(raw)
            v = pd.to_numeric(pd.Series(txt, dtype=object), errors="coerce").to_numpy(dtype=float)
            st[txt == cfg.suppressed] = _HIDDEN
            st[txt == cfg.low] = _LOW
            st[np.isnan(v) & (st == _SHOWN)] = _UNKNOWN
            return v, st
        v = pd.to_numeric(raw, errors="coerce").to_numpy(dtype=float)
        bad = ~np.isnan(v) & ((v < 0) | (v != np.round(v)))
        if bad.any():
            raise ValueError(
                f"table {t.spec.name}: column {c!r} holds {int(bad.sum())} value(s) that are not "
                "whole numbers of 0 or more (a count column must hold counts)"
            )
        st[np.isnan(v)] = _UNKNOWN
        return v, st

    # -- relations
    def _add(
        self, ids: Sequence[int], coefs: Sequence[float], sense: str, roles: Sequence[int], total_first: bool = False
    ) -> None:
        self.rel_ids.append(np.asarray(ids, dtype=np.int64))
        self.rel_coef.append(np.asarray(coefs, dtype=float))
        self.rel_sense.append(sense)
        self.rel_role.append(np.asarray(roles, dtype=np.int8))
        self.rel_pick.append(1 - self.rel_role[-1] if total_first else self.rel_role[-1])

    def _build_relations(self) -> None:
        by_name = {t.spec.name: t for t in self.tables}
        for t in self.tables:
            df, spec = t.frame, t.spec
            for h in spec.hierarchies:
                where = f"table {spec.name}, hierarchy on {h.column!r} (total {h.total!r})"
                pt = t
                if h.parts_table and h.parts_table != spec.name:
                    pt = by_name.get(h.parts_table)
                    if pt is None:
                        continue  # the parts' table is not in this pack: nothing to relate
                    where += f", parts in table {h.parts_table}"
                for tab_ in (t, pt):
                    for c in (h.column, *h.within):
                        if c not in tab_.frame.columns:
                            raise ValueError(f"{where}: column {c!r} is not in table {tab_.spec.name}")
                colv = t.key(h.column, where)
                pcolv = pt.key(h.column, where)
                tmask = _match(t, h.where, where) & (colv == _keystr([h.total])[0])
                pmask = _match(pt, {**h.where, **(h.parts_where or {})}, where) & np.isin(pcolv, _keystr(h.parts))

                def _gkey(tab_: _Table, h: Any = h, where: str = where) -> np.ndarray:
                    if h.within:
                        return np.array(
                            ["\x1f".join(r) for r in zip(*(tab_.key(w, where) for w in h.within))], dtype=object
                        )
                    return np.array([""] * len(tab_.frame), dtype=object)

                trows = np.flatnonzero(tmask)
                prows = np.flatnonzero(pmask)
                tk = _gkey(t)[trows]
                if len(set(tk)) != len(tk):
                    raise ValueError(
                        f"{where}: a group has more than one total row; add the distinguishing column(s) to 'within'"
                    )
                pk = _gkey(pt)[prows]
                pairs = pd.Series([f"{a}\x1e{b}" for a, b in zip(pk, pcolv[prows])], dtype=object)
                if pairs.duplicated().any():
                    raise ValueError(
                        f"{where}: a part appears twice in a group; add the distinguishing column(s) to 'within'"
                    )
                groups: dict[str, list[int]] = {}
                for r, k in zip(prows.tolist(), pk.tolist()):
                    groups.setdefault(k, []).append(r)
                for r_t, k in zip(trows.tolist(), tk.tolist()):
                    parts = groups.get(k)
                    if not parts:
                        continue
                    for c, ids in t.cell.items():
                        if c not in pt.cell:
                            continue
                        tid = ids[r_t]
                        pids = pt.cell[c][parts]
                        if tid < 0 or (pids < 0).any():
                            continue
                        tf = h.hide_first == "total"
                        if h.relation == "sum":
                            self._add([tid, *pids], [1.0] + [-1.0] * len(pids), "E", [1] + [0] * len(pids), tf)
                        else:  # union: total <= sum(parts), part <= total
                            self._add([tid, *pids], [1.0] + [-1.0] * len(pids), "L", [1] + [0] * len(pids), tf)
                            for p in pids:
                                self._add([p, tid], [1.0, -1.0], "L", [0, 1], tf)
            for sh in spec.shares:
                other = by_name.get(sh.table)
                if other is None:
                    continue
                where = f"table {spec.name}, share with {sh.table}"
                for c in (*sh.on, *sh.counts):
                    if c not in df.columns:
                        raise ValueError(f"{where}: column {c!r} is not in the table")
                for c in (*sh.on.values(), *sh.counts.values()):
                    if c not in other.frame.columns:
                        raise ValueError(f"{where}: column {c!r} is not in table {sh.table}")
                mine = np.flatnonzero(_match(t, sh.where, where))
                theirs = np.flatnonzero(_match(other, sh.other_where, where))
                mkey = ["\x1f".join(r) for r in zip(*(t.key(a, where)[mine] for a in sh.on))]
                okey = ["\x1f".join(r) for r in zip(*(other.key(b, where)[theirs] for b in sh.on.values()))]
                lookup: dict[str, int] = {}
                for r, k in zip(theirs.tolist(), okey):
                    if k in lookup:
                        raise ValueError(f"{where}: a row has two partners in {sh.table}; extend 'on'")
                    lookup[k] = r
                for r, k in zip(mine.tolist(), mkey):
                    ro = lookup.get(k)
                    if ro is None:
                        continue
                    for a, b in sh.counts.items():
                        if a not in t.cell or b not in other.cell:
                            raise ValueError(f"{where}: {a!r} and {b!r} must both be declared count columns")
                        ia, ib = t.cell[a][r], other.cell[b][ro]
                        if ia >= 0 and ib >= 0:
                            self._add([ia, ib], [1.0, -1.0], "E", [0, 0])

    def _index_relations(self) -> None:
        self.cell_rels: list[list[int]] = [[] for _ in range(self.n)]
        for k, ids in enumerate(self.rel_ids):
            for i in ids.tolist():
                self.cell_rels[i].append(k)

    def check_consistent(self) -> None:
        """Raise ValueError when a declared relation does not hold on the true values."""
        bad: dict[str, int] = {}
        for ids, coef, sense in zip(self.rel_ids, self.rel_coef, self.rel_sense):
            v = self.value[ids]
            if np.isnan(v).any() or self.frozen[ids].any():
                continue
            s = float(coef @ v)
            if (sense == "E" and abs(s) > _EPS) or (sense == "L" and s > _EPS):
                name = self.tables[self.tab[ids[0]]].spec.name
                bad[name] = bad.get(name, 0) + 1
        if bad:
            what = "; ".join(f"table {k}: {v} relation(s)" for k, v in bad.items())
            raise ValueError(
                f"declared totals do not add up ({what}); check the hierarchies and shares, or "
                "declare relation='union' for overlapping parts"
            )

    # -- description of a cell, without its value
    def describe(self, i: int) -> str:
        t = self.tables[self.tab[i]]
        keys = [k for k in t.spec.keys if k in t.frame.columns]
        row = t.frame.iloc[self.row[i]]
        where = ", ".join(f"{k}={_keystr([row[k]])[0]}" for k in keys) or f"row {self.row[i] + 1}"
        return f"table {t.spec.name}, {where}, column {self.col[i]!r}"

    # -- bounds of the unknowns as a reader sees them
    def bounds(self, i: np.ndarray, big: float) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(is_variable, lower, upper) for cells ``i`` given their states."""
        cfg = self.config
        st = self.state[i]
        var = st != _SHOWN
        lo = np.zeros(len(i))
        hi = np.full(len(i), big)
        lo[st == _HIDDEN] = 0.0 if cfg.suppress_zeros else 1.0
        if cfg.rounding_base:
            below, above = _round_interval(cfg.rounding_base)
            lo[st == _LOW] = 1.0
            hi[st == _LOW] = float(above)
            shown = st == _SHOWN
            r = np.nan_to_num(self.shown_value(i[shown]))
            var_sh = r > 0
            idx = np.flatnonzero(shown)[var_sh]
            var[idx] = True
            lo[idx] = np.maximum(0.0, r[var_sh] - below)
            hi[idx] = r[var_sh] + above
        return var, lo, hi

    def shown_value(self, i: np.ndarray) -> np.ndarray:
        """What a reader sees for shown cells (rounded when rounding applies; frozen cells hold
        published values already)."""
        v = self.value[i].copy()
        if self.config.rounding_base:
            new = ~self.frozen[i]
            v[new] = _round(v[new], self.config.rounding_base)
        return v

    def fixed_values(self, i: np.ndarray) -> np.ndarray:
        """Values of shown, fixed cells as a reader sees them (zero for cells with no value)."""
        return np.nan_to_num(self.shown_value(i), nan=0.0)


# ----------------------------------------------------------------------------- the LP audit
@dataclass
class _CompResult:
    size: int
    targets: int
    solves: int
    lo: dict[int, float]
    hi: dict[int, float]
    failing: list[int]
    min_range: float
    infeasible: bool = False


def _components(model: _Model, var: np.ndarray) -> list[np.ndarray]:
    """Connected components of the variable cells (union-find over the relations)."""
    parent = np.arange(model.n)

    def find(a: int) -> int:
        root = a
        while parent[root] != root:
            root = parent[root]
        while parent[a] != root:
            parent[a], a = root, parent[a]
        return root

    for ids in model.rel_ids:
        vs = ids[var[ids]]
        if len(vs) > 1:
            r0 = find(int(vs[0]))
            for x in vs[1:].tolist():
                rx = find(x)
                if rx != r0:
                    parent[rx] = r0
    roots = np.array([find(i) for i in range(model.n)]) if model.n else np.zeros(0, dtype=np.int64)
    cells = np.flatnonzero(var)
    order = np.argsort(roots[cells], kind="stable")
    cells = cells[order]
    splits = np.flatnonzero(np.diff(roots[cells])) + 1
    return [c for c in np.split(cells, splits) if len(c)]


def _audit_batch(
    model: _Model,
    comps: list[np.ndarray],
    var: np.ndarray,
    lo_b: np.ndarray,
    hi_b: np.ndarray,
    big: float,
    x_true: np.ndarray | None,
    exact_min: bool = False,
    skip: np.ndarray | None = None,
    local: bool = False,
) -> list[_CompResult]:
    """Feasible range of every hidden cell of a batch of independent components (see :class:`_BatchAudit`)."""
    return _BatchAudit(model, comps, var, lo_b, hi_b, big, x_true, exact_min=exact_min, skip=skip, local=local).run()


class _BatchAudit:
    """Feasible range of every hidden cell of a batch of independent components.

    The components share no relation, so one linear programme over all of them with an
    objective that is a sum of one term per component is solved by each component's own
    optimum: every solve serves every component of the batch at once.

    A hidden cell passes as soon as the points seen (the true values when known, and every LP
    solution met on the way) already span ``protection_range`` values; otherwise its minimum
    and maximum are solved for. With ``exact_min`` the smallest range of each component is
    also found exactly (for the manifest), not just shown to be wide enough. Cells marked in
    ``skip`` (already shown to be wide enough, see :func:`_secondary`) are not checked again.

    With ``local`` (used while secondary suppression is still adding cells, never for the final
    audit), a cell not yet shown wide is tried on a small neighbourhood (cells within two
    relations, everything else at its true value, so every solution is a point a reader cannot
    rule out); a cell still not shown wide is reported as failing without the exact solves.

    The steps (:meth:`run`): :meth:`_build_programme` (the constraints of the batch),
    :meth:`_see_truth`, a first solve (or :meth:`_split_infeasible` when there is none),
    :meth:`_widen` (solves that widen many ranges at once), then either :meth:`_search_locally`
    or :meth:`_rounds` of exact end solves for the cells still narrow, :meth:`_exact_minimum`
    (with its :meth:`_integer_check`) when asked, and :meth:`_results`.

    State, per batch position of a cell (``cells[i]``): ``obs_lo``/``obs_hi`` the smallest and
    largest value seen in any point, ``ex_lo``/``ex_hi`` the exact ends when solved for (NaN
    otherwise), and ``*_int`` whether that end is attained by a whole-number point.
    """

    def __init__(
        self,
        model: _Model,
        comps: list[np.ndarray],
        var: np.ndarray,
        lo_b: np.ndarray,
        hi_b: np.ndarray,
        big: float,
        x_true: np.ndarray | None,
        *,
        exact_min: bool = False,
        skip: np.ndarray | None = None,
        local: bool = False,
    ):
        self.model = model
        self.comps = comps
        self.var = var
        self.lo_b = lo_b
        self.hi_b = hi_b
        self.big = big
        self.x_true = x_true
        self.exact_min = exact_min
        self.skip = skip
        self.local = local
        self.P = model.config.protection_range
        self.solves = 0
        self._build_programme()
        n = self.n
        self.obs_lo = np.full(n, np.inf)
        self.obs_hi = np.full(n, -np.inf)
        self.ex_lo = np.full(n, np.nan)
        self.ex_hi = np.full(n, np.nan)
        # whether the smallest / largest value seen (or solved for) is attained by a whole-number point
        self.lo_int = np.zeros(n, dtype=bool)
        self.hi_int = np.zeros(n, dtype=bool)
        self.ex_lo_int = np.zeros(n, dtype=bool)
        self.ex_hi_int = np.zeros(n, dtype=bool)
        self.bad = np.ones(len(comps), dtype=bool)  # components with no true point to start from
        self.open_ = np.zeros(0, dtype=np.int64)  # targets not yet shown wide enough

    # ------------------------------------------------------------------ the steps
    def run(self) -> list[_CompResult]:
        """Audit the batch: one result per component, in the order of ``comps``."""
        self._see_truth()
        if not self.has_constraints:
            t = self.targets
            self.ex_lo[t], self.ex_hi[t] = self.bounds[t, 0], self.bounds[t, 1]
        elif len(self.targets):
            first = self._solve(np.zeros(self.n))
            if first is None:
                return self._split_infeasible()
            self._see(first)
            self._widen()
            if self.local and self.x_true is not None:
                self._search_locally()
            else:
                self._rounds(self._pick_open)
        if self.exact_min and self.has_constraints:
            self._exact_minimum()
        return self._results()

    def _build_programme(self) -> None:
        """The batch's cells, their components, and the constraints (sparse, equality and inequality) over them."""
        model, comps, var = self.model, self.comps, self.var
        cells = np.concatenate(comps)
        n = len(cells)
        self.cells, self.n = cells, n
        self.comp_of = np.repeat(np.arange(len(comps)), [len(c) for c in comps])
        at = np.full(model.n, -1, dtype=np.int64)
        at[cells] = np.arange(n)
        rels = sorted({r for c in cells.tolist() for r in model.cell_rels[c]})
        rows_eq, cols_eq, vals_eq, b_eq = [], [], [], []
        rows_ub, cols_ub, vals_ub, b_ub = [], [], [], []
        for r in rels:
            ids, coef = model.rel_ids[r], model.rel_coef[r]
            isvar = var[ids]
            const = ids[~isvar]
            rhs = -float(coef[~isvar] @ model.fixed_values(const)) if len(const) else 0.0
            rows, cols, vals, b = (
                (rows_eq, cols_eq, vals_eq, b_eq) if model.rel_sense[r] == "E" else (rows_ub, cols_ub, vals_ub, b_ub)
            )
            k = len(b)
            vi = at[ids[isvar]]
            rows.extend([k] * len(vi))
            cols.extend(vi.tolist())
            vals.extend(coef[isvar].tolist())
            b.append(rhs)
        self.A_eq = sparse.csr_array((vals_eq, (rows_eq, cols_eq)), shape=(len(b_eq), n)) if b_eq else None
        self.A_ub = sparse.csr_array((vals_ub, (rows_ub, cols_ub)), shape=(len(b_ub), n)) if b_ub else None
        self.beq = np.asarray(b_eq, dtype=float) if b_eq else None
        self.bub = np.asarray(b_ub, dtype=float) if b_ub else None
        self.has_constraints = self.A_eq is not None or self.A_ub is not None
        # the component of each constraint row (rows never span components)
        self.row_eq = (
            self.comp_of[np.asarray(cols_eq, dtype=np.int64)[np.unique(rows_eq, return_index=True)[1]]]
            if b_eq
            else None
        )
        self.row_ub = (
            self.comp_of[np.asarray(cols_ub, dtype=np.int64)[np.unique(rows_ub, return_index=True)[1]]]
            if b_ub
            else None
        )
        self.bounds = np.column_stack([self.lo_b[cells], self.hi_b[cells]])
        skip = self.skip
        self.targets = np.flatnonzero((model.state[cells] == _HIDDEN) & (True if skip is None else ~skip[cells]))

    def _see_truth(self) -> None:
        """The true values are a point a reader cannot rule out (components with a missing one are ``bad``)."""
        if self.x_true is None:
            return
        x0 = self.x_true[self.cells]
        self.bad = np.zeros(len(self.comps), dtype=bool)
        np.logical_or.at(self.bad, self.comp_of, np.isnan(x0))
        self._see(np.nan_to_num(x0), ~self.bad[self.comp_of])

    def _split_infeasible(self) -> list[_CompResult]:
        """No point satisfies the batch: audit each component alone to find the contradictory one(s)."""
        if len(self.comps) > 1:
            return [
                r
                for comp in self.comps
                for r in _audit_batch(
                    self.model, [comp], self.var, self.lo_b, self.hi_b, self.big, self.x_true, self.exact_min, self.skip
                )
            ]
        targets = self.targets
        return [
            _CompResult(
                self.n, len(targets), self.solves, {}, {}, [int(self.cells[t]) for t in targets.tolist()], 0.0, True
            )
        ]

    def _widen(self) -> None:
        """Solves that widen many ranges at once: every open target up, then down, then a few mixed signs."""
        n, P = self.n, self.P
        open_ = self.targets[self._width(self.targets) < P]
        for sign in (1.0, -1.0):
            if len(open_):
                c = np.zeros(n)
                c[open_] = sign
                x = self._solve(c)
                if x is not None:
                    self._see(x)
                open_ = open_[self._width(open_) < P]
        # a few solves with mixed signs widen many ranges at once (seeded: the result is deterministic)
        rng = np.random.default_rng(0)
        for _ in range(_MIXED_SOLVES):
            if len(open_) < 8:
                break
            c = np.zeros(n)
            c[open_] = rng.choice([-1.0, 1.0], len(open_))
            x = self._solve(c, np.unique(self.comp_of[open_]))
            if x is not None:
                self._see(x)
            open_ = open_[self._width(open_) < P]
        self.open_ = open_

    def _search_locally(self) -> None:
        """Try each open target on its neighbourhood around the true values; solve exactly only where there is no true point."""
        P, model, comp_of = self.P, self.model, self.comp_of
        base = np.where(self.var, self.x_true, model.fixed_values(np.arange(model.n)))
        for t in self.open_[self._width(self.open_) < P].tolist():
            if self.bad[comp_of[t]] or self._width(np.array([t]))[0] >= P:
                continue
            for point in _local_points(model, int(self.cells[t]), self.var, self.lo_b, self.hi_b, base):
                self._see(point[self.cells])
        open_ = self.open_[self._width(self.open_) < P]
        # a component holding hidden cells of earlier tables has no true point to search
        # around: solve its open cells exactly rather than report them failing unchecked
        # (nothing in it may be hidden any more, so a false alarm would refuse publication)
        self.open_ = open_[self.bad[comp_of[open_]]]
        if len(self.open_):
            self._rounds(self._pick_open)

    def _rounds(self, pick: Callable[[], tuple[np.ndarray, np.ndarray]]) -> None:
        """Solve, with at most one target per component in each objective, until ``pick``
        (returning target and sign arrays) chooses none."""
        comp_of = self.comp_of
        while True:
            tt, signs = pick()
            if not len(tt):
                return
            _, first = np.unique(comp_of[tt], return_index=True)  # one target per component
            tt, signs = tt[first], signs[first]
            c = np.zeros(self.n)
            c[tt] = signs
            x = self._solve(c, np.unique(comp_of[tt]))
            up = signs > 0
            if x is None:  # numerical trouble: keep what was seen (a range no wider than the truth)
                self.ex_lo[tt[up]] = self.obs_lo[tt[up]]
                self.ex_hi[tt[~up]] = self.obs_hi[tt[~up]]
                self.ex_lo_int[tt[up]] = self.lo_int[tt[up]]
                self.ex_hi_int[tt[~up]] = self.hi_int[tt[~up]]
                continue
            cint = self._see(x)
            self.ex_lo[tt[up]] = x[tt[up]]
            self.ex_hi[tt[~up]] = x[tt[~up]]
            self.ex_lo_int[tt[up]] = cint[tt[up]]
            self.ex_hi_int[tt[~up]] = cint[tt[~up]]

    def _pick_open(self) -> tuple[np.ndarray, np.ndarray]:
        """The open targets still narrow, each with the end not yet solved for (the lower first)."""
        need = self.open_[self._width(self.open_) < self.P]
        need_lo = np.isnan(self.ex_lo[need])
        need_hi = ~need_lo & np.isnan(self.ex_hi[need])
        keep = need_lo | need_hi
        return need[keep], np.where(need_lo[keep], 1.0, -1.0)

    def _exact_minimum(self) -> None:
        """The exact smallest range per component: cells in order of their known (lower-bound)
        range; once one reaches the smallest exact range found, no later one can be smaller."""
        self.best = np.full(len(self.comps), np.inf)
        self.done = np.zeros(self.n, dtype=bool)  # targets settled for the exact minimum
        self._rounds(self._pick_min)
        self._integer_check()

    def _pick_min(self) -> tuple[np.ndarray, np.ndarray]:
        """Settle every target whose range is exact; the next candidate of a component is its
        unsettled target with the smallest known range, if that is below the best."""
        targets, comp_of, best, done = self.targets, self.comp_of, self.best, self.done
        while True:
            open_t = targets[~done[targets]]
            if not len(open_t):
                return open_t, np.zeros(0)
            w = self._width(open_t)
            exact = ~np.isnan(self.ex_lo[open_t]) & ~np.isnan(self.ex_hi[open_t])
            beaten = w >= best[comp_of[open_t]]
            settle = exact | beaten
            if settle.any():
                np.minimum.at(best, comp_of[open_t[exact]], w[exact])
                done[open_t[settle]] = True
                continue
            order = np.lexsort((open_t, w, comp_of[open_t]))
            cand = open_t[order]
            _, first = np.unique(comp_of[cand], return_index=True)
            cand = cand[first]
            return cand, np.where(np.isnan(self.ex_lo[cand]), 1.0, -1.0)

    def _integer_check(self) -> None:
        """The LP relaxation can be wider than the whole numbers a reader may try (when the
        relations are not totally unimodular): cells close to the protection range of components
        that are not too large are solved again as integer programmes (milp)."""
        targets, comp_of = self.targets, self.comp_of
        w_all = self._width(targets)
        ends_int = np.where(np.isnan(self.ex_lo[targets]), self.lo_int[targets], self.ex_lo_int[targets]) & np.where(
            np.isnan(self.ex_hi[targets]), self.hi_int[targets], self.ex_hi_int[targets]
        )
        border = targets[np.isfinite(w_all) & (w_all < self.P + _MILP_MARGIN) & ~ends_int]
        for k in np.unique(comp_of[border]).tolist():
            if len(self.comps[k]) > _MILP_MAX:
                continue
            cols = comp_of == k
            idx = np.flatnonzero(cols)
            posn = {int(c): j for j, c in enumerate(idx.tolist())}
            cons = []
            if self.A_eq is not None and (self.row_eq == k).any():
                r = self.row_eq == k
                cons.append(LinearConstraint(self.A_eq[r][:, cols], self.beq[r], self.beq[r]))
            if self.A_ub is not None and (self.row_ub == k).any():
                r = self.row_ub == k
                cons.append(LinearConstraint(self.A_ub[r][:, cols], -np.inf, self.bub[r]))
            bnd = Bounds(self.bounds[cols, 0], self.bounds[cols, 1])
            for t in border[comp_of[border] == k].tolist():
                ends = []
                for sign in (1.0, -1.0):
                    c = np.zeros(len(idx))
                    c[posn[t]] = sign
                    res = milp(c, constraints=cons, integrality=np.ones(len(idx)), bounds=bnd)
                    self.solves += 1
                    ends.append(float(res.x[posn[t]]) if res.status == 0 else None)
                if None not in ends:
                    self.ex_lo[t], self.ex_hi[t] = ends

    def _results(self) -> list[_CompResult]:
        """One result per component: its failing cells, the exact ends found, its smallest range."""
        targets, cells = self.targets, self.cells
        w_all = self._width(targets)
        tcomp = self.comp_of[targets]
        results = []
        for k, comp in enumerate(self.comps):
            tt = targets[tcomp == k]
            w = w_all[tcomp == k]
            failing = [int(cells[t]) for t, wt in zip(tt.tolist(), w.tolist()) if wt < self.P]
            lo = {int(cells[t]): float(self.ex_lo[t]) for t in tt.tolist() if not np.isnan(self.ex_lo[t])}
            hi = {int(cells[t]): float(self.ex_hi[t]) for t in tt.tolist() if not np.isnan(self.ex_hi[t])}
            results.append(
                _CompResult(
                    len(comp),
                    len(tt),
                    self.solves if k == 0 else 0,
                    lo,
                    hi,
                    failing,
                    float(w.min()) if len(w) else math.inf,
                )
            )
        return results

    # ------------------------------------------------------------------ solving and seeing points
    def _solve(self, c: np.ndarray, active: np.ndarray | None = None) -> np.ndarray | None:
        """Solve over every component, or only the ``active`` ones (NaN elsewhere)."""
        self.solves += 1
        if active is None or len(active) == len(self.comps):
            res = linprog(
                c,
                A_ub=self.A_ub,
                b_ub=self.bub,
                A_eq=self.A_eq,
                b_eq=self.beq,
                bounds=self.bounds,
                method="highs",
                options=_HIGHS,
            )
            return res.x if res.status == 0 else None
        cols = np.isin(self.comp_of, active)
        kw: dict[str, Any] = {}
        if self.A_eq is not None:
            r = np.isin(self.row_eq, active)
            if r.any():
                kw.update(A_eq=self.A_eq[r][:, cols], b_eq=self.beq[r])
        if self.A_ub is not None:
            r = np.isin(self.row_ub, active)
            if r.any():
                kw.update(A_ub=self.A_ub[r][:, cols], b_ub=self.bub[r])
        res = linprog(c[cols], bounds=self.bounds[cols], method="highs", options=_HIGHS, **kw)
        if res.status != 0:
            return None
        x = np.full(self.n, np.nan)
        x[cols] = res.x
        return x

    def _see(self, x: np.ndarray, mask: np.ndarray | None = None) -> np.ndarray:
        """Record a point (NaN, or outside ``mask``: components not solved); return, per cell,
        whether the point is whole-numbered on the cell's component."""
        comp_of = self.comp_of
        xm = x if mask is None else np.where(mask, x, np.nan)
        with np.errstate(invalid="ignore"):
            frac = np.abs(xm - np.round(xm)) > 1e-6
            comp_frac = np.zeros(len(self.comps), dtype=bool)
            np.logical_or.at(comp_frac, comp_of, frac)
            cint = ~comp_frac[comp_of]
            for obs, flag, better in (
                (self.obs_lo, self.lo_int, xm < self.obs_lo - 1e-9),
                (self.obs_hi, self.hi_int, xm > self.obs_hi + 1e-9),
            ):
                same = np.abs(xm - obs) <= 1e-9
                obs[better] = xm[better]
                flag[better] = cint[better]
                flag[same & cint] = True
        return cint

    def _width(self, t: np.ndarray) -> np.ndarray:
        """How many whole values each target in ``t`` can take, from what is known (inf: unbounded)."""
        a = np.where(np.isnan(self.ex_lo[t]), self.obs_lo[t], self.ex_lo[t])
        b = np.where(np.isnan(self.ex_hi[t]), self.obs_hi[t], self.ex_hi[t])
        w = np.floor(b + _EPS) - np.ceil(a - _EPS) + 1
        return np.where(b >= self.big * (1 - 1e-9), np.inf, w)


def _local_points(
    model: _Model,
    cell: int,
    var: np.ndarray,
    lo_b: np.ndarray,
    hi_b: np.ndarray,
    base: np.ndarray,
    radius: int = 2,
    cap: int = 60,
) -> list[np.ndarray]:
    """Points a reader cannot rule out, with ``cell`` at its smallest and largest value when only
    the unknowns near it move: those within ``radius`` relations, nearest first, at most
    ``cap`` of them. ``base`` holds every cell's value in a point a reader cannot rule out (the
    true values for unknowns, the published values otherwise)."""
    near = [cell]
    seen = {cell}
    frontier = [cell]
    for _ in range(radius):
        new = []
        for c in frontier:
            for r in model.cell_rels[c]:
                for j in model.rel_ids[r].tolist():
                    if var[j] and j not in seen:
                        seen.add(j)
                        new.append(j)
        near += new[: max(0, cap - len(near))]
        frontier = new
        if len(near) >= cap:
            break
    nb = np.array(sorted(near))
    pos = {c: k for k, c in enumerate(nb.tolist())}
    rows, cols, vals, b, sense = [], [], [], [], []
    for r in sorted({r for c in nb.tolist() for r in model.cell_rels[c]}):
        ids, coef = model.rel_ids[r], model.rel_coef[r]
        inside = np.fromiter((j in pos for j in ids.tolist()), dtype=bool, count=len(ids))
        fixed = base[ids[~inside]]
        if np.isnan(fixed).any():
            return []
        k = len(b)
        rows.extend([k] * int(inside.sum()))
        cols.extend(pos[j] for j in ids[inside].tolist())
        vals.extend(coef[inside].tolist())
        b.append(-float(coef[~inside] @ fixed))
        sense.append(model.rel_sense[r])
    A = sparse.csr_array((vals, (rows, cols)), shape=(len(b), len(nb)))
    sense_a = np.array(sense)
    b_a = np.array(b)
    eq, ub = sense_a == "E", sense_a == "L"
    kw: dict[str, Any] = {}
    if eq.any():
        kw.update(A_eq=A[eq], b_eq=b_a[eq])
    if ub.any():
        kw.update(A_ub=A[ub], b_ub=b_a[ub])
    points = []
    for sign in (1.0, -1.0):
        c = np.zeros(len(nb))
        c[pos[cell]] = sign
        res = linprog(c, bounds=np.column_stack([lo_b[nb], hi_b[nb]]), method="highs", options=_HIGHS, **kw)
        if res.status == 0:
            x = base.copy()
            x[nb] = res.x
            points.append(x)
    return points


class _Auditor:
    """Runs the LP audit over components in batches, caching results of unchanged components."""

    def __init__(self, model: _Model, x_true: np.ndarray | None, batch_cells: int = 4000):
        self.model = model
        self.cache: dict[tuple, _CompResult] = {}
        self.x_true = x_true
        finite = model.value[~np.isnan(model.value)]
        self.big = float(10 * (finite.sum() if len(finite) else 0) + 1e6)
        self.solves = 0
        self.batch_cells = batch_cells

    def run(
        self, exact_min: bool = False, skip: np.ndarray | None = None, local: bool = False
    ) -> tuple[list[np.ndarray], list[_CompResult]]:
        m = self.model
        var, lo, hi = m.bounds(np.arange(m.n), self.big)
        comps = [c for c in _components(m, var) if (m.state[c] == _HIDDEN).any()]
        keys = [
            (c.tobytes(), m.state[c].tobytes(), exact_min, local, None if skip is None else skip[c].tobytes())
            for c in comps
        ]
        todo = sorted((k for k in range(len(comps)) if keys[k] not in self.cache), key=lambda k: len(comps[k]))
        batch: list[int] = []
        size = 0
        for k in [*todo, None]:
            if k is not None and (not batch or size + len(comps[k]) <= self.batch_cells):
                batch.append(k)
                size += len(comps[k])
                continue
            if batch:
                res = _audit_batch(
                    m,
                    [comps[j] for j in batch],
                    var,
                    lo,
                    hi,
                    self.big,
                    self.x_true,
                    exact_min,
                    skip,
                    local and any(len(comps[j]) >= _LOCAL_FROM for j in batch),
                )
                for j, r in zip(batch, res):
                    self.cache[keys[j]] = r
                    self.solves += r.solves
            batch, size = ([k], len(comps[k])) if k is not None else ([], 0)
        return comps, [self.cache[key] for key in keys]


# ----------------------------------------------------------------------------- suppression
def _primary(model: _Model) -> None:
    cfg = model.config
    new = ~model.frozen & (model.state == _SHOWN)
    v = model.value
    small = new & (v >= 1) & (v <= cfg.threshold)
    if cfg.suppress_zeros:
        small |= new & (v == 0)
    if cfg.rounding_base:
        r = _round(np.nan_to_num(v), cfg.rounding_base)
        small |= new & (r >= 1) & (r <= cfg.threshold)
        low = new & ~small & (v > 0) & (r == 0)
        model.state[low] = _LOW
    model.state[small] = _HIDDEN
    model.primary[small] = True


def _candidate(model: _Model, rels: Iterable[int]) -> int | None:
    """The smallest non-zero shown cell of the given relations that may still be hidden (parts before
    totals, unless the relation was declared ``hide_first="total"``)."""
    best: tuple | None = None
    for r in rels:
        ids, roles = model.rel_ids[r], model.rel_pick[r]
        ok = (model.state[ids] == _SHOWN) & ~model.frozen[ids] & (model.value[ids] > 0)
        for i, role in zip(ids[ok].tolist(), roles[ok].tolist()):
            key = (role, model.value[i], i)
            if best is None or key < best:
                best = key
    return None if best is None else int(best[2])


def _local_pass(model: _Model) -> int:
    """Relation-by-relation secondary suppression (steps a and b of :data:`HEURISTIC`)."""
    P = model.config.protection_range
    lb = 0 if model.config.suppress_zeros else 1
    added = 0
    queue = [r for r in range(len(model.rel_ids)) if model.rel_sense[r] == "E"]
    heapq.heapify(queue)
    queued = set(queue)
    while queue:
        r = heapq.heappop(queue)  # always the first relation, in declaration order, still to check
        queued.discard(r)
        ids, roles = model.rel_ids[r], model.rel_role[r]
        st = model.state[ids]
        hidden = st != _SHOWN
        nh = int(hidden.sum())
        pick = None
        if nh == 1 and st[hidden][0] == _HIDDEN:
            pick = _candidate(model, [r])
        elif nh >= 2 and not (hidden & (roles == 1)).any() and (roles == 1).any() and (st[hidden] == _HIDDEN).all():
            shown_total = model.value[ids[roles == 1]].sum()
            rest = shown_total - model.value[ids[~hidden & (roles == 0)]].sum()
            if rest - nh * lb + 1 < P:
                pick = _candidate(model, [r])
        if pick is not None:
            model.state[pick] = _HIDDEN
            added += 1
            for r2 in model.cell_rels[pick]:
                if model.rel_sense[r2] == "E" and r2 not in queued:
                    heapq.heappush(queue, r2)
                    queued.add(r2)
    return added


def _top_up(model: _Model, comps: list[np.ndarray], failing: list[int]) -> None:
    """Step (c) of :data:`HEURISTIC`: hide a cell next to each failing cell (one per relation per round)."""
    touched: set[int] = set()
    progressed = False
    comp_of = {int(c): k for k, comp in enumerate(comps) for c in comp.tolist()}
    for i in failing:
        if touched & set(model.cell_rels[i]):
            progressed = True
            continue
        pick = _candidate(model, model.cell_rels[i])
        if pick is None and i in comp_of:  # widen to every relation of the component's hidden cells
            comp = comps[comp_of[i]]
            pick = _candidate(model, sorted({r for c in comp.tolist() for r in model.cell_rels[c]}))
        if pick is None:
            continue
        model.state[pick] = _HIDDEN
        touched.update(model.cell_rels[pick])
        progressed = True
    if not progressed:
        raise PublicationRefused(
            f"{model.describe(failing[0])}: a suppressed cell could be worked out from what is published "
            f"alongside it and no further cell can be suppressed to protect it ({len(failing)} cell(s) in all)"
        )


def _secondary(
    model: _Model, auditor: _Auditor, max_rounds: int = 10_000
) -> tuple[list[np.ndarray], list[_CompResult]]:
    exact = not model.config.rounding_base
    # Hiding one more cell only relaxes what a reader knows (a fixed cell becomes an unknown whose
    # bounds hold its old value), so a hidden cell once shown to be wide enough stays so: later
    # rounds check only the cells not yet shown wide. (Under rounding a hidden cell's bounds need
    # not contain the interval it had, so every round checks everything.) The final audit in
    # protect() checks every cell again from scratch.
    proven = np.zeros(model.n, dtype=bool)
    for _ in range(max_rounds):
        if exact:
            _local_pass(model)
        comps, results = auditor.run(skip=proven if exact else None, local=True)
        failing = sorted(i for res in results for i in res.failing)
        if exact:
            proven = model.state == _HIDDEN
            proven[failing] = False
        if not failing:
            return comps, results
        _top_up(model, comps, failing)
    raise PublicationRefused("disclosure control did not converge")  # pragma: no cover


# ----------------------------------------------------------------------------- outputs
def _publish_frame(model: _Model, ti: int) -> pd.DataFrame:
    t = model.tables[ti]
    cfg = model.config
    out = t.frame.copy()
    hidden_by_col: dict[str, np.ndarray] = {}
    for c, ids in t.cell.items():
        has = ids >= 0
        st = np.full(len(out), -1, dtype=np.int8)
        st[has] = model.state[ids[has]]
        hidden_by_col[c] = (st == _HIDDEN) | (st == _LOW)
        vals = pd.to_numeric(out[c], errors="coerce").to_numpy(dtype=float)
        if cfg.rounding_base:
            vals = np.where(has, _round(vals, cfg.rounding_base), vals)
        col = out[c].astype(object).to_numpy(dtype=object, na_value=None).copy()
        shown_k = st == _SHOWN
        col[shown_k] = [int(x) for x in vals[shown_k].tolist()]
        col[st == _HIDDEN] = cfg.suppressed
        col[st == _LOW] = cfg.low
        col[st == _UNKNOWN] = cfg.not_available
        out[c] = pd.Series(col, index=out.index, dtype=object)
    for d, sources in t.spec.derived.items():
        if d not in out.columns:
            raise ValueError(f"table {t.spec.name}: derived column {d!r} is not in the frame")
        mask = np.zeros(len(out), dtype=bool)
        for s in sources:
            if s not in hidden_by_col:
                raise ValueError(f"table {t.spec.name}: derived column {d!r} names {s!r}, which is not a count column")
            mask |= hidden_by_col[s]
        if mask.any():
            col = out[d].astype(object)
            col[mask] = cfg.suppressed
            out[d] = col
    return out


def _summary(
    model: _Model, comps: list[np.ndarray], results: list[_CompResult], seconds: float, solves: int
) -> dict[str, Any]:
    cfg = model.config
    sizes = sorted((len(c) for c in comps), reverse=True)
    new = ~model.frozen
    hidden = (model.state == _HIDDEN) & new
    ranges = [r.min_range for r in results]
    return {
        "method": (
            "primary and secondary suppression"
            + (f", rounding to base {cfg.rounding_base}" if cfg.rounding_base else "")
            + "; recoverability audit by linear programming (scipy.optimize.linprog, HiGHS) per component"
        ),
        "heuristic": HEURISTIC,
        "threshold": cfg.threshold,
        "suppress_zeros": cfg.suppress_zeros,
        "rounding_base": cfg.rounding_base,
        "protection_range": cfg.protection_range,
        "tables": [t.spec.name for t in model.tables if not t.frozen],
        "linked_earlier_tables": [t.spec.name for t in model.tables if t.frozen],
        "cells": int(new.sum()),
        "relations": len(model.rel_ids),
        "primary_suppressed": int((model.primary & new).sum()),
        "secondary_suppressed": int((hidden & ~model.primary).sum()),
        "low": int(((model.state == _LOW) & new).sum()),
        "components": len(comps),
        "component_sizes": {
            "largest": sizes[0] if sizes else 0,
            "median": float(np.median(sizes)) if sizes else 0.0,
            "total_unknowns": int(sum(sizes)),
        },
        "min_feasible_range": (None if not ranges else ("unbounded" if math.isinf(min(ranges)) else min(ranges))),
        "lp_solves": solves,
        "seconds": round(seconds, 3),
    }


# ----------------------------------------------------------------------------- public API
@dataclass(frozen=True, slots=True)
class Protected:
    """What :func:`protect` returns.

    Attributes
    ----------
    frames : list of DataFrame
        The published frames, in the order given, with shorthand symbols in hidden cells
        (count and derived columns hold objects: whole numbers or symbols).
    audit : dict
        JSON-ready figures for the manifest (see :func:`protect`).
    """

    frames: list[pd.DataFrame]
    audit: dict[str, Any]


def protect(
    items: Sequence[tuple[pd.DataFrame, TableSpec]],
    config: DisclosureConfig,
    published: Sequence[tuple[pd.DataFrame, TableSpec]] = (),
) -> Protected:
    """Protect children-counts tables jointly: primary and secondary suppression, rounding, audit.

    Parameters
    ----------
    items : sequence of (DataFrame, TableSpec)
        The tables to publish, with true counts.
    config : DisclosureConfig
        Threshold, zeros, rounding, protection range and shorthand.
    published : sequence of (DataFrame, TableSpec)
        Children-counts tables published earlier into the same pack, as read back from their CSV
        (text): their cells are fixed; the new tables are protected jointly with them.

    Returns
    -------
    Protected
        ``frames`` (published frames) and ``audit``: method, heuristic, counts of primary and
        secondary suppressed cells, number of components and their sizes, the minimum
        feasible range found, LP solves and seconds taken.

    Raises
    ------
    PublicationRefused
        When no suppression pattern protects every hidden cell (e.g. a cell of an earlier
        table is given away by a new one and nothing else can be hidden).
    ValueError
        When the declaration does not fit the frame or declared totals do not add up.

    Examples
    --------
    >>> from assurance_lib.tables import TableSpec, Hierarchy
    >>> df = pd.DataFrame({"group": ["A", "B", "C", "All"], "count": [3, 10, 12, 25]})
    >>> spec = TableSpec(name="t", title="T", unit="children", rule="children-counts", source="s",
    ...                  keys=("group",), counts=("count",),
    ...                  hierarchies=(Hierarchy(column="group", total="All", parts=("A", "B", "C")),))
    >>> protect([(df, spec)], DisclosureConfig()).frames[0]["count"].tolist()
    ['[c]', '[c]', 12, 25]
    """
    start = time.perf_counter()
    tables = [
        _Table(df.reset_index(drop=True), spec, True, {}) for df, spec in published if spec.rule == "children-counts"
    ]
    tables += [_Table(df.reset_index(drop=True), spec, False, {}) for df, spec in items]
    names = [t.spec.name for t in tables]
    if len(set(names)) != len(names):
        raise ValueError("two tables with the same name given to protect")
    model = _Model(tables, config)
    model.check_consistent()
    _primary(model)
    # the true values are a point a reader cannot rule out (components holding a cell of an earlier
    # table whose true value is unknown here get no such point)
    x_true = model.value.copy()
    if config.rounding_base:
        x_true[model.frozen] = np.nan
    auditor = _Auditor(model, x_true)
    for _ in range(100):
        _secondary(model, auditor)
        # the final audit: every hidden cell again, exactly, with the integer check
        comps, results = auditor.run(exact_min=True)
        failing = sorted(i for res in results for i in res.failing)
        if not failing:
            break
        _top_up(model, comps, failing)
    else:  # pragma: no cover
        raise PublicationRefused("disclosure control did not converge")
    frames = [_publish_frame(model, ti) for ti, t in enumerate(tables) if not t.frozen]
    audit = _summary(model, comps, results, time.perf_counter() - start, auditor.solves)
    return Protected(frames, audit)


def audit_tables(items: Sequence[tuple[pd.DataFrame, TableSpec]], config: DisclosureConfig) -> dict[str, Any]:
    """Independent recoverability audit of published tables (text as in their CSV).

    Uses only what is published: every ``[c]`` cell's feasible range given shown cells
    (intervals under rounding), declared totals, linked tables and non-negativity must hold at
    least ``protection_range`` values; no shown count may be 1 to ``threshold``; no derived
    value may be shown beside a hidden count it comes from.

    Raises
    ------
    PublicationRefused
        Naming each table, cell key and kind of problem (never a value).
    """
    start = time.perf_counter()
    tables = [
        _Table(df.reset_index(drop=True).astype(str).replace({"nan": ""}), spec, True, {})
        for df, spec in items
        if spec.rule == "children-counts"
    ]
    model = _Model(tables, config)
    problems: list[str] = []
    shown = model.state == _SHOWN
    v = model.value
    small = shown & (v >= 1) & (v <= config.threshold)
    if config.suppress_zeros:
        small |= shown & (v == 0)
    for i in np.flatnonzero(small)[:20].tolist():
        problems.append(f"{model.describe(i)}: a small count is shown")
    if config.rounding_base:
        unrounded = shown & (np.mod(np.nan_to_num(v), config.rounding_base) != 0)
        for i in np.flatnonzero(unrounded)[:20].tolist():
            problems.append(f"{model.describe(i)}: a count is not rounded to base {config.rounding_base}")
    for t in tables:
        for d, sources in t.spec.derived.items():
            if d not in t.frame.columns:
                continue
            dv = _keystr(t.frame[d])
            visible = ~np.isin(dv, [config.suppressed, config.low, config.not_available, config.not_applicable, ""])
            for s in sources:
                ids = t.cell.get(s)
                if ids is None:
                    continue
                has = ids >= 0
                st = np.full(len(ids), -1)
                st[has] = model.state[ids[has]]
                leak = visible & ((st == _HIDDEN) | (st == _LOW))
                for r in np.flatnonzero(leak)[:5].tolist():
                    problems.append(
                        f"{model.describe(int(ids[r]))}: derived column {d!r} is shown beside a suppressed count"
                    )
    auditor = _Auditor(model, None)
    comps, results = auditor.run(exact_min=True)
    for res in results:
        kind = (
            "the published figures contradict each other"
            if res.infeasible
            else f"a suppressed cell can be narrowed to fewer than {config.protection_range} values"
        )
        for i in res.failing[:20]:
            problems.append(f"{model.describe(i)}: {kind}")
    audit = _summary(model, comps, results, time.perf_counter() - start, auditor.solves)
    audit.update(
        {
            "tables": [t.spec.name for t in tables],
            "linked_earlier_tables": [],
            "suppressed_cells": int((model.state == _HIDDEN).sum()),
            "method": "independent recoverability audit of the published CSVs by linear programming "
            "(scipy.optimize.linprog, HiGHS), per component of linked unknown cells",
        }
    )
    for k in ("primary_suppressed", "secondary_suppressed", "cells"):
        audit.pop(k, None)
    audit["published_cells"] = int(model.n)
    if problems:
        raise PublicationRefused("disclosure audit refused publication:\n" + "\n".join(f"  - {p}" for p in problems))
    audit["passed"] = True
    return audit


def audit_pack(shareable_dir: Path, config: DisclosureConfig) -> dict[str, Any]:
    """Independent recoverability audit of every children-counts table of a pack.

    Reads ``shareable_dir/tables/index.json``, rebuilds each spec with
    :meth:`TableSpec.from_declaration`, reads each CSV as text and runs :func:`audit_tables`.

    Returns
    -------
    dict
        Figures for the manifest (components and sizes, suppressed cells, minimum feasible
        range, LP solves, seconds).

    Raises
    ------
    PublicationRefused
        When a suppressed cell can be narrowed below ``protection_range`` values, a small
        count is shown, or a derived value is shown beside a suppressed count.
    """
    tables_dir = Path(shareable_dir) / "tables"
    index = tables_dir / "index.json"
    if not index.is_file():
        return {"method": "independent recoverability audit", "tables": [], "components": 0, "passed": True}
    doc = json.loads(index.read_text(encoding="utf-8"))
    entries = doc.get("tables", doc) if isinstance(doc, dict) else doc
    items = []
    for e in entries:
        if e.get("rule") != "children-counts":
            continue
        p = tables_dir / e.get("file", f"{e['name']}.csv")
        if not p.is_file():
            raise PublicationRefused(f"{p.name}: declared in tables/index.json but missing")
        items.append((pd.read_csv(p, dtype=str, keep_default_na=False), TableSpec.from_declaration(e)))
    return audit_tables(items, config)
