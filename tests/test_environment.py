"""pyproject.toml (ranges), requirements/lock.txt (exact versions) and environment.yml stay in step."""

from __future__ import annotations

import re
import sys
import tomllib
from pathlib import Path

import yaml
from packaging.markers import default_environment
from packaging.requirements import Requirement
from packaging.specifiers import SpecifierSet
from packaging.utils import canonicalize_name
from packaging.version import Version

ROOT = Path(__file__).resolve().parent.parent
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))


def _lock() -> dict[str, list[tuple[Version, str]]]:
    """name -> [(version, marker)] from the lock file (a package may be pinned per Python version)."""
    out: dict[str, list[tuple[Version, str]]] = {}
    for line in (ROOT / "requirements" / "lock.txt").read_text(encoding="utf-8").splitlines():
        m = re.match(r"^([A-Za-z0-9_.\-]+)==([^\s;]+)\s*(?:;\s*(.*))?$", line.strip())
        if m:
            out.setdefault(canonicalize_name(m.group(1)), []).append((Version(m.group(2)), m.group(3) or ""))
    return out


def _locked_for(env: dict[str, str], entries: list[tuple[Version, str]]) -> list[Version]:
    from packaging.markers import Marker

    return [v for v, marker in entries if not marker or Marker(marker).evaluate(env)]


def test_every_dependency_is_locked_within_its_range() -> None:
    lock = _lock()
    reqs = [Requirement(r) for r in PYPROJECT["project"]["dependencies"]]
    reqs += [Requirement(r) for r in PYPROJECT["project"]["optional-dependencies"]["test"]]
    for minor in ("3.11", "3.12", "3.13"):
        env = {**default_environment(), "python_version": minor, "python_full_version": f"{minor}.0"}
        for req in reqs:
            name = canonicalize_name(req.name)
            assert name in lock, (
                f"{req.name} is in pyproject.toml but not in requirements/lock.txt: regenerate the lock"
            )
            versions = _locked_for(env, lock[name])
            assert len(versions) == 1, f"{req.name}: {len(versions)} pins apply to Python {minor}"
            assert versions[0] in req.specifier, (
                f"{req.name}=={versions[0]} is outside {req.specifier}: regenerate the lock"
            )


def test_lock_header_names_the_generating_command() -> None:
    head = (ROOT / "requirements" / "lock.txt").read_text(encoding="utf-8").splitlines()[:3]
    assert any("uv pip compile pyproject.toml --extra test" in line for line in head)


def test_environment_yml_follows_pyproject_and_lock() -> None:
    env = yaml.safe_load((ROOT / "environment.yml").read_text(encoding="utf-8"))
    assert env["channels"] == ["conda-forge"]
    deps = env["dependencies"]
    python = next(d for d in deps if isinstance(d, str) and d.startswith("python"))
    version = python.split("=", 1)[1]
    assert Version(version + ".0") in SpecifierSet(PYPROJECT["project"]["requires-python"]), (
        f"environment.yml pins python {version}, outside requires-python {PYPROJECT['project']['requires-python']}"
    )
    lock_python = re.search(r"--python-version (\d+\.\d+)", (ROOT / "requirements" / "lock.txt").read_text())
    assert lock_python and lock_python.group(1) == version, (
        "the lock is generated for the python environment.yml installs"
    )
    assert any(isinstance(d, str) and d.startswith("pip") for d in deps)
    pip = next(d["pip"] for d in deps if isinstance(d, dict) and "pip" in d)
    assert pip == ["-r requirements/lock.txt", "-e ."], "conda installs the locked versions, then the project"


def test_running_python_is_supported() -> None:
    assert Version(".".join(map(str, sys.version_info[:3]))) in SpecifierSet(PYPROJECT["project"]["requires-python"])


def test_console_script_and_extras_declared() -> None:
    assert PYPROJECT["project"]["scripts"]["assurance"] == "assurance_lib.cli:main"
    assert {"test", "dev"} <= set(PYPROJECT["project"]["optional-dependencies"])


def test_pre_commit_hooks_are_local_and_pinned_to_the_lock() -> None:
    """CI reaches PyPI but not GitHub: every hook is local, its tool pinned to the locked version."""
    config = yaml.safe_load((ROOT / ".pre-commit-config.yaml").read_text(encoding="utf-8"))
    lock = _lock()
    env = {**default_environment(), "python_version": "3.11", "python_full_version": "3.11.0"}
    hooks = [h for repo in config["repos"] for h in repo["hooks"]]
    assert [repo["repo"] for repo in config["repos"]] == ["local"]
    assert {h["id"] for h in hooks} >= {
        "ruff-format",
        "ruff-check",
        "nbstripout",
        "detect-secrets",
        "check-added-large-files",
    }
    for hook in hooks:
        assert hook["language"] == "python", hook["id"]
        for dep in hook["additional_dependencies"]:
            req = Requirement(dep)
            pinned = _locked_for(env, lock.get(canonicalize_name(req.name), []))
            assert pinned and str(req.specifier) == f"=={pinned[0]}", (
                f"{hook['id']}: {dep} is not the version in requirements/lock.txt ({pinned})"
            )
    assert (ROOT / ".secrets.baseline").is_file()
