"""Property-based and attack tests of disclosure control (hypothesis).

For random count tables with margins, the published frame is checked by methods independent of
the engine: the constraints are rebuilt here from the table's known structure (not from the
engine's declarations), every hidden cell's integer range is found with
:func:`scipy.optimize.milp`, and an attacker's linear algebra (is the cell's unit vector in the
row space of the equations restricted to hidden cells?) must recover nothing.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import itertools

import numpy as np
import pandas as pd
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from scipy.optimize import Bounds, LinearConstraint, milp

from assurance_lib.config import DisclosureConfig
from assurance_lib.disclosure import IdentifierSet, audit_tables, protect, scan_text
from assurance_lib.tables import Hierarchy, TableSpec

BIG = 10**6
SETTINGS = settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])

count = st.one_of(st.just(0), st.integers(1, 5), st.integers(6, 60))


@st.composite
def grids(draw):
    r = draw(st.integers(2, 4))
    c = draw(st.integers(2, 5))
    return np.array([[draw(count) for _ in range(c)] for _ in range(r)], dtype=int)


def grid_table(g: np.ndarray) -> tuple[pd.DataFrame, TableSpec]:
    r, c = g.shape
    rows = [(f"r{i}", f"c{j}", int(g[i, j])) for i in range(r) for j in range(c)]
    rows += [(f"r{i}", "All", int(g[i].sum())) for i in range(r)]
    rows += [("All", f"c{j}", int(g[:, j].sum())) for j in range(c)]
    rows.append(("All", "All", int(g.sum())))
    df = pd.DataFrame(rows, columns=["row", "col", "count"])
    spec = TableSpec(
        name="grid",
        title="grid",
        unit="children",
        rule="children-counts",
        source="test",
        keys=("row", "col"),
        counts=("count",),
        hierarchies=(
            Hierarchy(column="col", total="All", parts=tuple(f"c{j}" for j in range(c)), within=("row",)),
            Hierarchy(column="row", total="All", parts=tuple(f"r{i}" for i in range(r)), within=("col",)),
        ),
    )
    return df, spec


def grid_equations(r: int, c: int) -> tuple[list[tuple[int, int]], np.ndarray]:
    """Cells (i, j) with i == r / j == c for margins, and the margin equations A x = 0."""
    cells = [(i, j) for i in range(r + 1) for j in range(c + 1)]
    pos = {cell: k for k, cell in enumerate(cells)}
    eqs = []
    for i in range(r + 1):  # each row (and the margin row) sums to its total
        e = np.zeros(len(cells))
        for j in range(c):
            e[pos[(i, j)]] = 1
        e[pos[(i, c)]] = -1
        eqs.append(e)
    for j in range(c + 1):
        e = np.zeros(len(cells))
        for i in range(r):
            e[pos[(i, j)]] = 1
        e[pos[(r, j)]] = -1
        eqs.append(e)
    return cells, np.array(eqs)


def published_grid(frame: pd.DataFrame, r: int, c: int) -> dict[tuple[int, int], object]:
    out = {}
    for row, col, v in zip(frame["row"], frame["col"], frame["count"]):
        i = r if row == "All" else int(row[1:])
        j = c if col == "All" else int(col[1:])
        out[(i, j)] = v
    return out


def integer_ranges(cells, A, lb, ub, hidden_idx):
    """(min, max) of each hidden cell over integer solutions of A x = 0 within [lb, ub]."""
    cons = LinearConstraint(A, np.zeros(len(A)), np.zeros(len(A)))
    out = {}
    for k in hidden_idx:
        cvec = np.zeros(len(cells))
        res = []
        for sign in (1, -1):
            cvec[k] = sign
            sol = milp(cvec, constraints=cons, integrality=np.ones(len(cells)), bounds=Bounds(lb, ub))
            assert sol.status == 0, "the published table must be consistent with some true table"
            res.append(sol.x[k])
        out[k] = (round(res[0]), round(res[1]))
    return out


@SETTINGS
@given(grids(), st.integers(2, 4))
def test_two_way_tables_are_protected(g, prange):
    cfg = DisclosureConfig(protection_range=prange)
    r, c = g.shape
    df, spec = grid_table(g)
    frame = protect([(df, spec)], cfg).frames[0]
    pub = published_grid(frame, r, c)
    truth = published_grid(df, r, c)
    cells, A = grid_equations(r, c)
    lb, ub, hidden = np.zeros(len(cells)), np.zeros(len(cells)), []
    for k, cell in enumerate(cells):
        v = pub[cell]
        if v == "[c]":
            hidden.append(k)
            lb[k], ub[k] = 1, BIG  # zeros are shown, so a hidden cell is at least 1
        else:
            # no small count remains visible, and every shown figure (totals included) is true
            assert not 1 <= v <= cfg.threshold
            assert v == truth[cell]
            lb[k] = ub[k] = v
    for k in hidden:
        assert truth[cells[k]] != 0, "a zero is never hidden"
    for k, (lo, hi) in integer_ranges(cells, A, lb, ub, hidden).items():
        assert hi - lo + 1 >= prange, f"hidden cell {cells[k]} narrowed to {lo}..{hi}"
    # the engine's own independent audit of the published frame agrees
    audit_tables([(frame.astype(str), spec)], cfg)


@SETTINGS
@given(grids())
def test_attack_by_linear_algebra_and_bounds_recovers_nothing(g):
    r, c = g.shape
    df, spec = grid_table(g)
    frame = protect([(df, spec)], DisclosureConfig()).frames[0]
    pub = published_grid(frame, r, c)
    cells, A = grid_equations(r, c)
    hidden = [k for k, cell in enumerate(cells) if pub[cell] == "[c]"]
    if not hidden:
        return
    Ah = A[:, hidden]
    rank = np.linalg.matrix_rank(Ah)
    for n, k in enumerate(hidden):
        unit = np.zeros(len(hidden))
        unit[n] = 1
        # the attacker solves the equations for the hidden cells: a cell is recovered exactly when
        # its unit vector lies in the row space of the equations on hidden cells
        assert np.linalg.matrix_rank(np.vstack([Ah, unit])) > rank, f"cell {cells[k]} recovered by linear algebra"
    # bounds: a hidden cell lies between 1 and (shown line total - shown cells - 1 for each other
    # hidden cell) on every line (row or column) through it whose total is shown
    for k in hidden:
        i, j = cells[k]
        for line in ([(i, jj) for jj in range(c)] + [(i, c)], [(ii, j) for ii in range(r)] + [(r, j)]):
            total, parts = line[-1], line[:-1]
            if pub[total] == "[c]" or cells[k] == total:
                continue
            others = [x for x in parts if x != cells[k]]
            known = sum(pub[x] for x in others if pub[x] != "[c]")
            n_hidden = sum(1 for x in others if pub[x] == "[c]")
            assert n_hidden >= 1, f"cell {cells[k]} is the only hidden cell of a line"
            assert pub[total] - known - n_hidden >= 3, f"cell {cells[k]} bounded below 3 values by its line"


@st.composite
def hierarchies(draw):
    majors = draw(st.integers(2, 4))
    return [[draw(count) for _ in range(draw(st.integers(2, 4)))] for _ in range(majors)]


@SETTINGS
@given(hierarchies())
def test_two_level_hierarchies_are_protected(h):
    rows = [("all", "All", sum(map(sum, h)))]
    for a, minors in enumerate(h):
        rows.append(("major", f"M{a}", sum(minors)))
        rows += [("minor", f"M{a}m{b}", v) for b, v in enumerate(minors)]
    df = pd.DataFrame(rows, columns=["level", "group", "count"])
    hier = [
        Hierarchy(
            column="group",
            total="All",
            parts=tuple(f"M{a}" for a in range(len(h))),
            where={"level": "all"},
            parts_where={"level": "major"},
        )
    ]
    hier += [
        Hierarchy(
            column="group",
            total=f"M{a}",
            parts=tuple(f"M{a}m{b}" for b in range(len(m))),
            where={"level": "major"},
            parts_where={"level": "minor"},
        )
        for a, m in enumerate(h)
    ]
    spec = TableSpec(
        name="eth",
        title="t",
        unit="children",
        rule="children-counts",
        source="s",
        keys=("level", "group"),
        counts=("count",),
        hierarchies=tuple(hier),
    )
    frame = protect([(df, spec)], DisclosureConfig()).frames[0]
    names = list(frame["group"])
    pos = {n: k for k, n in enumerate(names)}
    eqs = []
    e = np.zeros(len(names))
    e[pos["All"]] = -1
    for a in range(len(h)):
        e[pos[f"M{a}"]] = 1
    eqs.append(e)
    for a, m in enumerate(h):
        e = np.zeros(len(names))
        e[pos[f"M{a}"]] = -1
        for b in range(len(m)):
            e[pos[f"M{a}m{b}"]] = 1
        eqs.append(e)
    A = np.array(eqs)
    lb, ub, hidden = np.zeros(len(names)), np.zeros(len(names)), []
    for k, (v, true) in enumerate(zip(frame["count"], df["count"])):
        if v == "[c]":
            hidden.append(k)
            lb[k], ub[k] = 1, BIG
            assert true != 0
        else:
            assert v == true and not 1 <= v <= 5
            lb[k] = ub[k] = v
    for k, (lo, hi) in integer_ranges(names, A, lb, ub, hidden).items():
        assert hi - lo + 1 >= 3, f"{names[k]} narrowed to {lo}..{hi}"


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(grids(), st.sampled_from([5, 10]), st.sampled_from([0, 5]))
def test_rounding_rounds_totals_independently_and_protects(g, base, threshold):
    cfg = DisclosureConfig(rounding_base=base, threshold=threshold)
    r, c = g.shape
    df, spec = grid_table(g)
    frame = protect([(df, spec)], cfg).frames[0]
    pub = published_grid(frame, r, c)
    truth = published_grid(df, r, c)
    cells, A = grid_equations(r, c)
    lb, ub, hidden = np.zeros(len(cells)), np.zeros(len(cells)), []
    below, above = base // 2, (base + 1) // 2 - 1  # half-up: shown r covers r-below .. r+above
    for k, cell in enumerate(cells):
        v, t = pub[cell], truth[cell]
        if v == "[c]":
            hidden.append(k)
            lb[k], ub[k] = 1, BIG
        elif v == "[low]":
            assert 1 <= t <= above
            lb[k], ub[k] = 1, above
        else:
            # every shown figure, totals included, is its own true value rounded half up
            assert v == base * int(np.floor(t / base + 0.5))
            assert v == 0 or v > threshold
            lb[k], ub[k] = (0, 0) if v == 0 else (max(0, v - below), v + above)
    for lo, hi in integer_ranges(cells, A, lb, ub, hidden).values():
        assert hi - lo + 1 >= 3


def test_exhaustive_small_tables_recover_nothing():
    """Every 2x2 table with cells in {0, 2, 7}: brute force over true tables consistent with the
    published one (a second method, no LP; hidden cells tried from 1 to 25) finds at least 3
    values for each hidden cell."""
    L = 25
    for vals in itertools.product([0, 2, 7], repeat=4):
        g = np.array(vals).reshape(2, 2)
        df, spec = grid_table(g)
        frame = protect([(df, spec)], DisclosureConfig()).frames[0]
        pub = published_grid(frame, 2, 2)
        inner = [(i, j) for i in range(2) for j in range(2)]
        hidden = [h for h in inner if pub[h] == "[c]"]
        if not hidden:
            continue
        axes = [np.arange(1, L + 1) if pub[h] == "[c]" else np.array([pub[h]]) for h in inner]
        mesh = np.meshgrid(*axes, indexing="ij")
        x = {h: m.ravel() for h, m in zip(inner, mesh)}
        ok = np.ones(len(x[(0, 0)]), dtype=bool)
        for i in range(2):
            if pub[(i, 2)] != "[c]":
                ok &= x[(i, 0)] + x[(i, 1)] == pub[(i, 2)]
        for j in range(2):
            if pub[(2, j)] != "[c]":
                ok &= x[(0, j)] + x[(1, j)] == pub[(2, j)]
        if pub[(2, 2)] != "[c]":
            ok &= sum(x.values()) == pub[(2, 2)]
        for h in hidden:
            values = set(x[h][ok].tolist())
            assert len(values) >= 3, f"table {vals}: cell {h} has only {sorted(values)}"


# --------------------------------------------------------------------------- the identifier guard
# Both sides of the guard: generated variants of identifiers as people type them are always caught;
# generated digests, dates, run ids, counts, codes and decimals never are. The check digit of an NHS
# number is worked out here by the published modulus-11 rule (NHS Data Dictionary, "NHS number").


GUARD = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
SPACES = ["", " ", "\u00a0", "\u202f"]
NHS_SEPS = [" ", "\u00a0", "\u202f", ".", "-", " - "]


def _nhs_check(nine: str) -> int | None:
    check = 11 - sum(int(d) * (10 - i) for i, d in enumerate(nine)) % 11
    return {11: 0, 10: None}.get(check, check)


def _mixed_case(draw, text: str) -> str:
    return "".join(ch.upper() if draw(st.booleans()) else ch.lower() for ch in text)


@st.composite
def postcodes(draw):
    # Royal Mail formats A9 9AA, A99 9AA, AA9 9AA, AA99 9AA, A9A 9AA, AA9A 9AA (letters from the allowed sets)
    first = draw(st.sampled_from("ABCDEFGHIJKLMNOPRSTUWYZ"))
    second = draw(st.sampled_from(["", *"ABCDEFGHKLMNOPQRSTUVWXY"]))
    district = draw(
        st.sampled_from(
            [
                str(draw(st.integers(1, 9))),
                str(draw(st.integers(10, 99))),
                str(draw(st.integers(1, 9))) + draw(st.sampled_from("ABEHMNPRVWXY")),
            ]
        )
    )
    inward = str(draw(st.integers(0, 9))) + "".join(draw(st.sampled_from("ABDEFGHJLNPQRSTUWXYZ")) for _ in range(2))
    return _mixed_case(draw, first + second + district) + draw(st.sampled_from(SPACES)) + _mixed_case(draw, inward)


@st.composite
def nhs_numbers(draw):
    nine = draw(st.text("0123456789", min_size=9, max_size=9))
    check = _nhs_check(nine)
    digits = nine + str(check if check is not None else 0)
    sep = draw(st.sampled_from(["", *NHS_SEPS]))
    text = f"{digits[:3]}{sep}{digits[3:6]}{sep}{digits[6:]}"
    label = draw(st.sampled_from(["", "NHS No.", "NHS no: ", "NHS number ", "nhs no ", "NHS "]))
    if check is None and not label:
        label = "NHS number "  # a number whose check digit cannot exist counts only when labelled
    return label + text


@st.composite
def phones(draw):
    national = draw(
        st.sampled_from(
            [
                "20" + draw(st.text("0123456789", min_size=8, max_size=8)),
                "7" + draw(st.text("0123456789", min_size=9, max_size=9)),
                "1" + draw(st.text("0123456789", min_size=9, max_size=9)),
            ]
        )
    )
    sep = draw(st.sampled_from(["", " ", "-", "\u00a0"]))
    body = (
        f"{national[:-7]}{sep}{national[-7:-4]}{sep}{national[-4:]}"
        if national.startswith("2")
        else f"{national[:-6]}{sep}{national[-6:]}"
    )
    prefix = draw(st.sampled_from(["0", "+44 ", "+44", "0044 ", "+44 (0)", "0044 (0)"]))
    return prefix + body


@st.composite
def child_id_variants(draw):
    letters = draw(st.text("ABCDEFGHJKLMNPRSTUVWXYZ", min_size=1, max_size=3))
    digits = draw(st.text("0123456789", min_size=5, max_size=7))
    value = letters + digits
    cut = draw(st.integers(1, len(value) - 1))
    sep = draw(st.sampled_from(["", "-", " ", ".", "_", "/", "\u00a0"]))
    return value, _mixed_case(draw, value[:cut] + sep + value[cut:])


@given(postcodes(), st.sampled_from(["lives at {} now", "{}", "Address: {}.", "({})"]))
@GUARD
def test_every_postcode_form_is_caught(pc, frame):
    assert "a full postcode" in scan_text(frame.format(pc))


@given(nhs_numbers(), st.sampled_from(["seen {} today", "{}", "({})", "ref: {}."]))
@GUARD
def test_every_nhs_number_form_is_caught(nhs, frame):
    assert "an NHS number" in scan_text(frame.format(nhs))


@given(phones(), st.sampled_from(["call {} today", "{}", "tel: {}.", "({})"]))
@GUARD
def test_every_uk_phone_form_is_caught(phone, frame):
    assert "a phone number" in scan_text(frame.format(phone))


@given(child_id_variants(), st.sampled_from(["child {} was seen", "{}", "file {}/notes", "({})"]))
@GUARD
def test_every_child_id_variant_is_caught(pair, frame):
    value, typed = pair
    ids = IdentifierSet.from_columns({"child_id": [value]})
    assert scan_text(frame.format(typed), ids) == ["an identifier value from the inputs"]


@given(st.from_regex(r"[a-z][a-z0-9._]{0,10}@[a-z]{2,10}\.(org|co\.uk|gov\.uk|com)", fullmatch=True))
@GUARD
def test_every_email_is_caught(email):
    # caught as an e-mail address (a local part shaped like a postcode is reported as one too)
    assert "an email address" in scan_text(f"write to {email} please")


@st.composite
def statistics_text(draw):
    """A line of what a pack is made of: digests, dates, run ids, counts, codes and decimals."""
    parts = []
    for _ in range(draw(st.integers(1, 8))):
        kind = draw(
            st.sampled_from(["sha", "date", "stamp", "runid", "count", "code", "la", "urn", "decimal", "period"])
        )
        if kind == "sha":
            parts.append(hashlib.sha256(draw(st.binary(max_size=16))).hexdigest())
        elif kind == "date":
            parts.append(draw(st.dates(dt.date(2000, 1, 1), dt.date(2040, 12, 31))).isoformat())
        elif kind == "stamp":
            t = draw(st.datetimes(dt.datetime(2000, 1, 1), dt.datetime(2040, 12, 31), timezones=st.just(dt.UTC)))
            parts.append(t.isoformat())
        elif kind == "runid":
            parts.append(
                draw(st.datetimes(dt.datetime(2000, 1, 1), dt.datetime(2040, 12, 31))).strftime("%Y%m%dT%H%M%SZ")
            )
        elif kind == "count":
            n = draw(st.integers(0, 99_999_999))
            parts.append(draw(st.sampled_from([f"{n}", f"{n:,}"])))
        elif kind == "code":
            parts.append(
                draw(st.sampled_from(["E06", "E08", "E09", "E10", "E12", "E92"]))
                + f"{draw(st.integers(0, 999_999)):06d}"
            )
        elif kind == "la":
            parts.append(str(draw(st.integers(200, 999))))
        elif kind == "urn":
            parts.append(str(draw(st.integers(100_000, 999_999))))
        elif kind == "decimal":
            x = draw(st.floats(-1e6, 1e6, allow_nan=False))
            parts.append(f"{x:.{draw(st.integers(1, 10))}f}")
        else:
            y = draw(st.integers(2000, 2040))
            parts.append(f"{y}-{(y + 1) % 100:02d} Q{draw(st.integers(1, 4))}")
    return draw(st.sampled_from([",", " ", " | ", ", ", "\t"])).join(parts)


GUARD_IDS = IdentifierSet.from_columns({"child_id": ["C00123", "CH000456", "AUD-2026-0042"]}, names=["Jordan Smith"])


@given(statistics_text())
@GUARD
def test_digests_dates_counts_codes_and_decimals_are_never_caught(text):
    assert scan_text(text, GUARD_IDS) == []
