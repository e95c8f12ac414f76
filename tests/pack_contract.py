#!/usr/bin/env python3
"""Check an output pack against the contracts in docs/design.md ("Contracts between the analyses").

Usage: python tests/pack_contract.py outputs/<slug>/<run-id>
Prints one line per problem and exits 1 if there is any; standard library only.

A copy of the workbench's shared pack contract check, kept in step with it: change the
contract in docs/design.md and here together. The tests import it (``main``, ``PageScan``).
"""
import csv
import json
import pathlib
import re
import sys
from html.parser import HTMLParser

FLAG_COLUMNS = ["analysis", "category", "subject", "measure", "value", "lower", "upper",
                "statement", "evidence_table", "evidence_key"]
FLAG_EVIDENCE = ("evidence", "severity")  # version 2 name first; older packs say severity
FLAG_V2 = ["evidence", "direction", "effect", "effect_unit", "affected", "agency", "statutory_partner", "themes",
           "first_period"]
TABLE_FIELDS = ["name", "title", "unit", "rule", "source"]
UNITS = {"children", "episodes", "cases", "agencies", "actions"}
RULES = {"children-counts", "organisations", "small-sample"}
DISPRO_COLUMNS = ["period", "stage", "measure", "group_type", "group", "reference_group", "count",
                  "denominator", "value", "lower_95", "upper_95", "lower_998", "upper_998", "method",
                  "p_value", "q_value", "flag", "denominator_source"]


FLAG_VALUES = {  # version 2 columns with a closed vocabulary (empty allowed: the report fills a default)
    "evidence": {"strong", "moderate", "indicative"},
    "direction": {"concern", "strength", "context"},
    "statutory_partner": {"yes", "no"},
}
THEME_IDS = {"neglect", "exploitation", "domestic_abuse", "front_door", "equity", "working_together"}
QUARTER = re.compile(r"^\d{4}-\d{2}( Q[1-4])?$")  # a quarter label, or the Section 11 cycle's year

notes: list[str] = []  # advisory lines, printed but not failing


def flag_values(path: pathlib.Path) -> list[str]:
    """Problems with the version 2 values of one flags file: a word outside its vocabulary, a theme that is
    not a priority id (data/frameworks/priorities.yaml), a first_period that is not a period label."""
    out, tags = [], set()
    with path.open(newline="", encoding="utf-8-sig") as fh:
        for n, row in enumerate(csv.DictReader(fh), 2):
            for col, allowed in FLAG_VALUES.items():
                v = (row.get(col) or "").strip()
                if v and v not in allowed:
                    out.append(f"{path.name}, row {n}: {col} {v!r} not one of {sorted(allowed)}")
            tags |= {x.strip() for x in (row.get("themes") or "").split(";") if x.strip() and x.strip() not in THEME_IDS}
            fp = (row.get("first_period") or "").strip()
            if fp and not QUARTER.match(fp):
                out.append(f"{path.name}, row {n}: first_period {fp!r} is not a period label like '2026-27 Q2'")
    if tags:
        notes.append(f"{path.name}: themes {sorted(tags)} are not priority ids (the report maps them by their tags)")
    return out


class PageScan(HTMLParser):
    def __init__(self):
        super().__init__()
        self.external, self.bad_alt, self.code = [], 0, 0

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        for key in ("src", "href"):
            url = a.get(key) or ""
            if tag in ("script", "link", "img", "iframe") and re.match(r"^(https?:)?//", url):
                self.external.append(url)
        if tag == "img":
            alt = (a.get("alt") or "").strip()
            if not alt or alt.lower().startswith("no description"):
                self.bad_alt += 1
        if "jp-InputArea" in (a.get("class") or "") or "input_area" in (a.get("class") or ""):
            self.code += 1


def main(pack: pathlib.Path) -> list[str]:
    problems = []
    notes.clear()
    if not (pack / "manifest.json").is_file():
        return [f"{pack}: no manifest.json"]
    manifest = json.loads((pack / "manifest.json").read_text())
    text = json.dumps(manifest).lower()
    for word in ("sha256", "parameters", "python", "disclosure"):
        if word not in text:
            problems.append(f"manifest.json says nothing about {word!r}")
    for part in ("internal", "shareable"):
        if not (pack / part).is_dir():
            problems.append(f"no {part}/ folder")
    share = pack / "shareable"
    if not (share / "index.html").is_file():
        problems.append("no shareable/index.html")
    index_file = share / "tables" / "index.json"
    declared = {}
    if index_file.is_file():
        entries = json.loads(index_file.read_text())
        entries = entries.get("tables", entries) if isinstance(entries, dict) else entries
        for e in entries:
            missing = [f for f in TABLE_FIELDS if not e.get(f)]
            if missing:
                problems.append(f"tables/index.json entry {e.get('name')!r} lacks {missing}")
            if e.get("unit") not in UNITS:
                problems.append(f"table {e.get('name')!r}: unit {e.get('unit')!r} not one of {sorted(UNITS)}")
            if e.get("rule") not in RULES:
                problems.append(f"table {e.get('name')!r}: rule {e.get('rule')!r} not one of {sorted(RULES)}")
            declared[str(e.get("name"))] = e
    else:
        problems.append("no shareable/tables/index.json")
    for t in sorted((share / "tables").glob("*.csv")) if (share / "tables").is_dir() else []:
        if t.stem not in declared and t.name not in declared:
            problems.append(f"{t.name} is not declared in tables/index.json")
        with t.open(newline="") as fh:
            header = next(csv.reader(fh), [])
        if t.name.startswith("flags_"):
            missing = [c for c in FLAG_COLUMNS if c not in header]
            if not any(c in header for c in FLAG_EVIDENCE):
                missing.append("evidence")
            if missing:
                problems.append(f"{t.name} lacks flag columns {missing}")
            v2 = [c for c in FLAG_V2 if c not in header]
            if v2:
                notes.append(f"{t.name}: flags version 2 columns not yet present: {v2}")
            problems += flag_values(t)
        if t.name == "disproportionality.csv":
            missing = [c for c in DISPRO_COLUMNS if c not in header]
            if missing:
                problems.append(f"{t.name} lacks columns {missing}")
    for page in sorted(share.rglob("*.html")):
        scan = PageScan()
        scan.feed(page.read_text(errors="replace"))
        if scan.external:
            problems.append(f"{page.relative_to(pack)} loads {len(scan.external)} external resources, e.g. {scan.external[0]}")
        if scan.bad_alt:
            problems.append(f"{page.relative_to(pack)} has {scan.bad_alt} images without meaningful alt text")
        if scan.code:
            problems.append(f"{page.relative_to(pack)} shows code")
    return problems


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    found = main(pathlib.Path(sys.argv[1]))
    for p in found:
        print(p)
    for n in notes:
        print(f"note: {n}")
    print(f"{len(found)} problems" if found else "pack meets the contracts")
    sys.exit(1 if found else 0)
