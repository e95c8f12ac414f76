"""Every function the one-hop tables of docs/developing.md name exists ("from a number to the function").

The tables (heading row ``| shown by | numbers from | where |``) name functions by their module within
the analysis package (``compute.compute``), by the library's top-level module (``spc.xmr``) or, plainly,
by a name of the package or of a module the ``where`` column lists. Each name is imported here; a
renamed or removed function fails until the page is updated.
"""

from __future__ import annotations

import importlib
import re
from pathlib import Path
from types import ModuleType

import pytest

DOC = Path(__file__).resolve().parent.parent / "docs" / "developing.md"


def _tables() -> list[list[list[str]]]:
    tables, cur = [], None
    for line in DOC.read_text(encoding="utf-8").splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")] if line.startswith("|") else None
        if cells and [c.lower() for c in cells[:3]] == ["shown by", "numbers from", "where"]:
            cur = []
            tables.append(cur)
        elif cells is None:
            cur = None
        elif cur is not None and not set(line) <= set("|-: "):
            cur.append(cells)
    return tables


def _package(table: list[list[str]]) -> str:
    for row in table:
        m = re.search(r"`([a-z_]+)/[a-z_]+\.py`", row[2])
        if m:
            return m.group(1)
    raise AssertionError(f"no package named in the 'where' column of {table[0]}")


def _resolve(name: str, package: str, where: list[str]) -> object:
    """The object ``name`` names, or raise LookupError."""
    name = name.removesuffix("()")
    bases: list[str] = [f"assurance_lib.{package}", "assurance_lib"]
    bases += [f"assurance_lib.{package}.{Path(w).stem}" for w in where if w.endswith(".py") and "/" not in w]
    bases += [f"assurance_lib.{w.removesuffix('.py').replace('/', '.')}" for w in where if "/" in w]
    for base in bases:
        parts = name.split(".")
        for k in range(len(parts), -1, -1):  # longest importable module prefix, then attributes
            mod_name = ".".join([base, *parts[:k]])
            try:
                obj: object = importlib.import_module(mod_name)
            except ModuleNotFoundError:
                continue
            try:
                for attr in parts[k:]:
                    obj = getattr(obj, attr)
            except AttributeError:
                break
            if parts[k:] or isinstance(obj, ModuleType):
                return obj
            break
    raise LookupError(name)


def _names() -> list[tuple[str, str, list[str]]]:
    out = []
    for table in _tables():
        package = _package(table)
        for row in table:
            where = [w.removeprefix("assurance_lib/") for w in re.findall(r"`([^`]+)`", row[2])]
            for col in row[:2]:
                tables = set(re.findall(r"published `([^`]+)`", col))  # a published table, not a function
                for name in re.findall(r"`([^`]+)`", col):
                    if name in tables or name.endswith((".csv", ".py")):
                        continue
                    if re.fullmatch(r"[A-Za-z_][\w.]*(\(\))?", name):
                        out.append((package, name, where))
    return out


def test_the_page_has_the_one_hop_tables_of_every_analysis_notebook():
    packages = [_package(t) for t in _tables()]
    assert {"disproportionality", "core_dataset", "learning", "yearly"} <= set(packages), packages


@pytest.mark.parametrize(("package", "name", "where"), _names(), ids=lambda v: v if isinstance(v, str) else None)
def test_every_name_in_a_one_hop_table_imports(package, name, where):
    obj = _resolve(name, package, where)
    assert callable(obj) or isinstance(obj, ModuleType), name


def test_a_name_that_does_not_exist_is_caught():
    # the check itself can fail: a misspelt function is not found anywhere
    with pytest.raises(LookupError):
        _resolve("compute.compute_everything", "core_dataset", ["compute.py"])
    with pytest.raises(LookupError):
        _resolve("show_nothing", "learning", ["learning/present.py"])
