"""Run parameters: loading and checking ``parameters/*.yaml`` into a frozen, typed object.

A parameters file describes one run period::

    partnership: Synthetic Partnership
    period: 2026-27 Q2
    retention: 5
    cell_timeout: 900
    disclosure:
      threshold: 5
    notebooks:
      01_disproportionality:
        events_path: data/synthetic/journey_events.csv

Everything is checked before any notebook runs: unknown keys, missing keys, wrong types,
a malformed period and input files that do not exist. Every problem names the file, the key
and what was expected, and all problems are reported together.
"""

from __future__ import annotations

import datetime as dt
import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import Any

import yaml

from .errors import InputError, Problem

__all__ = [
    "Period",
    "SYNTHETIC_ID",
    "NOT_GIVEN",
    "DisclosureConfig",
    "RunConfig",
    "project_root",
    "resolve_path",
    "load_params",
    "DEFAULT_PARAMS",
]

SYNTHETIC_ID = "synthetic"
"""The ``partnership_id`` of the bundled synthetic partnership (also assumed when a file gives none)."""
NOT_GIVEN = "none"
"""The value of an optional input parameter (``*_path``/``*_file``) that says "we have none this period"."""
_ID_RE = re.compile(r"^[a-z0-9][a-z0-9-]{0,62}$")

_PERIOD_RE = re.compile(r"^(\d{4})-(\d{2}) Q([1-4])$")
_SLUG_RE = re.compile(r"^(\d{4})-(\d{2})-Q([1-4])$")


def project_root() -> Path:
    """Return the project's root folder (the one holding ``parameters/`` and ``notebooks/``).

    Looked up in this order: the ``ASSURANCE_ROOT`` environment variable; the nearest parent
    of the current directory holding ``pyproject.toml`` and ``parameters/``; the folder above
    the installed package (an editable install of the repository).
    """
    env = os.environ.get("ASSURANCE_ROOT")
    if env:
        return Path(env).resolve()
    here = Path.cwd().resolve()
    for cand in (here, *here.parents):
        if (cand / "pyproject.toml").is_file() and (cand / "parameters").is_dir():
            return cand
    return Path(__file__).resolve().parent.parent


def resolve_path(value: str | os.PathLike[str], root: Path | None = None) -> Path:
    """Resolve a path from a parameters file: absolute as given, relative to the project root."""
    p = Path(value).expanduser()
    return p if p.is_absolute() else (root or project_root()) / p


def resolve_params(values: Mapping[str, Any], root: Path | None = None) -> dict[str, Any]:
    """Notebook parameter values with every non-empty ``*_path``/``*_file``/``*_dir`` string
    resolved by :func:`resolve_path` (empty strings stay empty: an absent optional input)."""
    return {
        k: (str(resolve_path(v, root)) if isinstance(v, str) and v and k.endswith(("_path", "_file", "_dir")) else v)
        for k, v in values.items()
    }


DEFAULT_PARAMS = Path("parameters") / "2026-27-Q2.yaml"
"""The embedded default: the synthetic partnership's 2026-27 Q2 run."""


@dataclass(frozen=True, slots=True)
class Period:
    """A financial-year quarter, e.g. ``2026-27 Q2`` (1 July to 30 September 2026).

    Examples
    --------
    >>> p = Period.parse("2026-27 Q2")
    >>> p.slug, str(p.start), str(p.end)
    ('2026-27-Q2', '2026-07-01', '2026-09-30')
    >>> p.previous().label
    '2026-27 Q1'
    >>> Period.parse("2026-27 Q1").previous().label
    '2025-26 Q4'
    """

    fy_start: int
    quarter: int

    def __post_init__(self) -> None:
        if not 1 <= self.quarter <= 4:
            raise ValueError(f"quarter must be 1 to 4, got {self.quarter}")
        if not 2000 <= self.fy_start <= 2100:
            raise ValueError(f"financial year must start between 2000 and 2100, got {self.fy_start}")

    @classmethod
    def parse(cls, text: str) -> Period:
        """Parse a label (``2026-27 Q2``) or a folder slug (``2026-27-Q2``)."""
        s = str(text).strip()
        m = _PERIOD_RE.match(s) or _SLUG_RE.match(s)
        if not m:
            raise ValueError(f"{text!r} is not a financial-year quarter (expected a label like '2026-27 Q2')")
        y1, y2, q = int(m.group(1)), int(m.group(2)), int(m.group(3))
        if (y1 + 1) % 100 != y2:
            raise ValueError(
                f"{text!r}: the financial year {y1}-{y2:02d} must span consecutive years "
                f"(expected {y1}-{(y1 + 1) % 100:02d})"
            )
        return cls(y1, q)

    @property
    def label(self) -> str:
        """The period label, e.g. ``2026-27 Q2``."""
        return f"{self.fy_start}-{(self.fy_start + 1) % 100:02d} Q{self.quarter}"

    @property
    def slug(self) -> str:
        """The folder slug, e.g. ``2026-27-Q2``."""
        return self.label.replace(" ", "-")

    @property
    def start(self) -> dt.date:
        """First day of the quarter (Q1 starts 1 April)."""
        month = 4 + 3 * (self.quarter - 1)
        year = self.fy_start + (month - 1) // 12
        return dt.date(year, (month - 1) % 12 + 1, 1)

    @property
    def end(self) -> dt.date:
        """Last day of the quarter."""
        return self.next().start - dt.timedelta(days=1)

    def next(self) -> Period:
        """The following quarter."""
        return Period(self.fy_start + (self.quarter == 4), self.quarter % 4 + 1)

    def previous(self) -> Period:
        """The preceding quarter."""
        return Period(self.fy_start - (self.quarter == 1), (self.quarter - 2) % 4 + 1)

    def rolling_start(self, months: int = 12) -> dt.date:
        """First day of the window of ``months`` months ending with this quarter."""
        if months % 3:
            raise ValueError(f"a rolling window is a whole number of quarters, got {months} months")
        p = self
        for _ in range(months // 3 - 1):
            p = p.previous()
        return p.start

    def __str__(self) -> str:
        return self.label


@dataclass(frozen=True, slots=True, kw_only=True)
class DisclosureConfig:
    """Disclosure control settings (defaults follow DfE practice for children's social care).

    Attributes
    ----------
    threshold : int
        Counts from 1 to ``threshold`` are suppressed (DfE: 1 to 5).
    suppress_zeros : bool
        Suppress true zeros as well (DfE shows zeros).
    rounding_base : int
        0 for no rounding, otherwise counts are rounded to the nearest 5 or 10 (totals are
        rounded independently, never recomputed from rounded cells).
    protection_range : int
        The smallest number of possible values a suppressed cell must keep once everything
        published alongside it is known (checked by the recoverability audit).
    suppressed, not_applicable, not_available, low : str
        GSS shorthand symbols.
    """

    threshold: int = 5
    suppress_zeros: bool = False
    rounding_base: int = 0
    protection_range: int = 3
    suppressed: str = "[c]"
    not_applicable: str = "[z]"
    not_available: str = "[x]"
    low: str = "[low]"

    def __post_init__(self) -> None:
        if self.threshold < 0:
            raise ValueError(f"threshold must be 0 or more, got {self.threshold}")
        if self.rounding_base not in (0, 5, 10):
            raise ValueError(f"rounding_base must be one of 0, 5, 10, got {self.rounding_base}")
        if self.protection_range < 1:
            raise ValueError(f"protection_range must be 1 or more, got {self.protection_range}")

    def symbol_meanings(self) -> dict[str, str]:
        """Each GSS shorthand symbol of this configuration with its plain-English meaning.

        >>> DisclosureConfig().symbol_meanings()["[c]"]
        'suppressed to protect confidentiality'
        """
        return {
            self.suppressed: "suppressed to protect confidentiality",
            self.low: "rounds to zero but is not zero",
            self.not_available: "not available",
            self.not_applicable: "not applicable",
        }


@dataclass(frozen=True, slots=True, kw_only=True)
class RunConfig:
    """The validated parameters of one run (immutable)."""

    params_file: Path
    root: Path
    partnership: str
    period: Period
    output_root: Path
    retention: int = 5
    cell_timeout: int = 900
    disclosure: DisclosureConfig = field(default_factory=DisclosureConfig)
    identifier_names_file: Path | None = None
    notebooks: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)
    partnership_id: str = ""
    currency_tolerance_days: int = 14
    not_given: tuple[str, ...] = ()

    @property
    def is_synthetic(self) -> bool:
        """True for the bundled synthetic partnership: ``partnership_id`` absent or :data:`SYNTHETIC_ID`."""
        return self.partnership_id in ("", SYNTHETIC_ID)

    def notebook_params(self, notebook: str) -> dict[str, Any]:
        """The parameters the file gives one notebook (empty when it gives none)."""
        return dict(self.notebooks.get(notebook, {}))

    def as_dict(self) -> dict[str, Any]:
        """A JSON-ready view for the manifest."""
        return {
            "params_file": str(self.params_file),
            "partnership": self.partnership,
            "partnership_id": self.partnership_id or SYNTHETIC_ID,
            "period": self.period.label,
            "period_slug": self.period.slug,
            "period_start": self.period.start.isoformat(),
            "period_end": self.period.end.isoformat(),
            "output_root": str(self.output_root),
            "retention": self.retention,
            "cell_timeout": self.cell_timeout,
            "disclosure": {k: getattr(self.disclosure, k) for k in DisclosureConfig.__slots__},
            "identifier_names_file": str(self.identifier_names_file) if self.identifier_names_file else None,
            "notebooks": {k: dict(v) for k, v in self.notebooks.items()},
            "currency_tolerance_days": self.currency_tolerance_days,
            "not_given": list(self.not_given),
        }


# key -> (type(s), required, help)
_TOP_KEYS: dict[str, tuple[tuple[type, ...], bool, str]] = {
    "partnership": ((str,), True, "the partnership's name, as printed on the pack"),
    "partnership_id": (
        (str,),
        False,
        "a short id of the partnership (letters, digits, '-'): packs of the same "
        "partnership are compared; 'synthetic' is the bundled synthetic partnership",
    ),
    "currency_tolerance_days": ((int,), False, "days an extract may end before the period end (0 or more)"),
    "period": ((str,), True, "a financial-year quarter label such as '2026-27 Q2'"),
    "output_root": ((str,), False, "folder for output packs (default 'outputs')"),
    "retention": ((int,), False, "how many good packs of the period to keep (1 or more)"),
    "cell_timeout": ((int,), False, "seconds one notebook cell may run (1 or more)"),
    "disclosure": ((dict,), False, "disclosure control settings"),
    "identifier_names_file": ((str,), False, "a text file of names (one a line) to scan for and redact"),
    "notebooks": ((dict,), False, "parameters for each notebook, keyed by notebook name"),
}
_DISCLOSURE_KEYS: dict[str, tuple[type, ...]] = {
    "threshold": (int,),
    "suppress_zeros": (bool,),
    "rounding_base": (int,),
    "protection_range": (int,),
    "suppressed": (str,),
    "not_applicable": (str,),
    "not_available": (str,),
    "low": (str,),
}


def _type_name(types: tuple[type, ...]) -> str:
    names = {
        int: "a whole number",
        str: "text",
        bool: "true or false",
        dict: "a mapping",
        float: "a number",
        list: "a list",
    }
    return " or ".join(names.get(t, t.__name__) for t in types)


def _is_type(value: Any, types: tuple[type, ...]) -> bool:
    if isinstance(value, bool) and bool not in types:
        return False
    if float in types and isinstance(value, int) and not isinstance(value, bool):
        return True
    return isinstance(value, types)


def load_params(
    path: str | os.PathLike[str] | None = None,
    *,
    root: Path | None = None,
    notebook_params: Mapping[str, Mapping[str, tuple[type, ...]]] | None = None,
    check_files: bool = True,
    output_root: str | os.PathLike[str] | None = None,
) -> RunConfig:
    """Load and check a parameters file.

    Parameters
    ----------
    path : path-like, optional
        The YAML file; relative paths are resolved against the project root. ``None`` loads
        the embedded default (:data:`DEFAULT_PARAMS`).
    root : Path, optional
        The project root (default: :func:`project_root`).
    notebook_params : mapping, optional
        For each known notebook, its parameter names and accepted types (from the notebooks'
        ``parameters`` cells). When given, unknown notebooks, unknown keys and wrong types in
        the ``notebooks`` section are rejected.
    check_files : bool
        Reject notebook parameters ending in ``_path`` or ``_file`` that name a missing file.
    output_root : path-like, optional
        Overrides ``output_root`` in the file (so does the ``ASSURANCE_OUTPUT_ROOT``
        environment variable, which the pipeline sets for the notebooks it runs).

    Returns
    -------
    RunConfig

    Raises
    ------
    InputError
        Listing every problem found, each naming the file, the key and what was expected.
    """
    root = (root or project_root()).resolve()
    file = resolve_path(path if path is not None else DEFAULT_PARAMS, root)
    shown = _display(file, root)
    raw = _read_yaml(file, shown)
    problems = _top_level_problems(raw, shown)
    period, found = _period(raw, shown)
    problems += found + _run_limit_problems(raw, shown)
    disclosure, found = _disclosure(raw, shown)
    problems += found
    notebooks, found = _notebook_sections(raw, shown, root, notebook_params=notebook_params, check_files=check_files)
    problems += found
    names_file, found = _names_file(raw, shown, root, check_files=check_files)
    problems += found
    if problems:
        raise InputError(problems)
    assert period is not None
    return _run_config(
        raw,
        file=file,
        root=root,
        period=period,
        disclosure=disclosure,
        notebooks=notebooks,
        names_file=names_file,
        output_root=output_root,
    )


def _read_yaml(file: Path, shown: str) -> dict[str, Any]:
    """The parameters file's top-level mapping, read with ``yaml.safe_load``; an error if absent or not YAML."""
    if not file.is_file():
        raise InputError([Problem(file=shown, message="no such parameters file")])
    try:
        raw = yaml.safe_load(file.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"line {mark.line + 1}" if mark else ""
        raise InputError(
            [Problem(file=shown, place=where, message=f"not valid YAML ({getattr(exc, 'problem', exc)})")]
        ) from None
    if not isinstance(raw, dict):
        raise InputError([Problem(file=shown, message="expected a mapping of keys at the top level")])
    return raw


def _top_level_problems(raw: Mapping[str, Any], shown: str) -> list[Problem]:
    """Unknown top-level keys, required ones missing, and values of the wrong type."""
    problems: list[Problem] = []
    for key in raw:
        if key not in _TOP_KEYS:
            problems.append(Problem(file=shown, key=key, expected=f"a known key (one of: {', '.join(_TOP_KEYS)})"))
    for key, (types, required, help_) in _TOP_KEYS.items():
        if key not in raw:
            if required:
                problems.append(Problem(file=shown, key=key, message=f"missing (expected {help_})"))
            continue
        if not _is_type(raw[key], types):
            problems.append(Problem(file=shown, key=key, value=raw[key], expected=f"{_type_name(types)}: {help_}"))
    return problems


def _period(raw: Mapping[str, Any], shown: str) -> tuple[Period | None, list[Problem]]:
    """The run's :class:`Period` from ``period`` (``None`` when absent or wrong), and any problem with it."""
    if not isinstance(raw.get("period"), str):
        return None, []
    try:
        period = Period.parse(raw["period"])
    except ValueError as exc:
        return None, [
            Problem(
                file=shown,
                key="period",
                value=raw["period"],
                expected=str(exc).split(": ", 1)[-1] if "expected" in str(exc) else str(exc),
            )
        ]
    if raw["period"].strip() != period.label:
        return period, [
            Problem(file=shown, key="period", value=raw["period"], expected=f"the label form '{period.label}'")
        ]
    return period, []


def _run_limit_problems(raw: Mapping[str, Any], shown: str) -> list[Problem]:
    """``retention`` and ``cell_timeout`` below 1."""
    out: list[Problem] = []
    for key in ("retention", "cell_timeout"):
        v = raw.get(key)
        if _is_type(v, (int,)) and v < 1:
            out.append(Problem(file=shown, key=key, value=v, expected="a whole number of 1 or more"))
    v = raw.get("currency_tolerance_days")
    if _is_type(v, (int,)) and v < 0:
        out.append(
            Problem(file=shown, key="currency_tolerance_days", value=v, expected="a whole number of days, 0 or more")
        )
    v = raw.get("partnership_id")
    if isinstance(v, str) and not _ID_RE.match(v.strip()):
        out.append(
            Problem(
                file=shown,
                key="partnership_id",
                value=v,
                expected="a short id in lower case: letters, digits and '-', e.g. 'northshire-lscp'",
            )
        )
    return out


def _disclosure(raw: Mapping[str, Any], shown: str) -> tuple[DisclosureConfig, list[Problem]]:
    """The :class:`DisclosureConfig` of the ``disclosure`` section (the defaults where it is absent or wrong)."""
    problems: list[Problem] = []
    d_raw = raw.get("disclosure") or {}
    if not isinstance(d_raw, dict):
        return DisclosureConfig(), problems
    for k, v in d_raw.items():
        if k not in _DISCLOSURE_KEYS:
            problems.append(
                Problem(
                    file=shown, key=f"disclosure.{k}", expected=f"a known key (one of: {', '.join(_DISCLOSURE_KEYS)})"
                )
            )
        elif not _is_type(v, _DISCLOSURE_KEYS[k]):
            problems.append(
                Problem(file=shown, key=f"disclosure.{k}", value=v, expected=_type_name(_DISCLOSURE_KEYS[k]))
            )
    if problems:
        return DisclosureConfig(), problems
    try:
        return DisclosureConfig(**d_raw), problems
    except ValueError as exc:
        return DisclosureConfig(), [Problem(file=shown, key="disclosure", message=str(exc))]


def _notebook_sections(
    raw: Mapping[str, Any],
    shown: str,
    root: Path,
    *,
    notebook_params: Mapping[str, Mapping[str, tuple[type, ...]]] | None,
    check_files: bool,
) -> tuple[dict[str, Mapping[str, Any]], list[Problem]]:
    """The ``notebooks`` section, checked against the notebooks' parameters (names and types) when given."""
    problems: list[Problem] = []

    def bad(key: str, value: Any, expected: str) -> None:
        problems.append(Problem(file=shown, key=key, value=value, expected=expected))

    nb_raw = raw.get("notebooks") or {}
    notebooks: dict[str, Mapping[str, Any]] = {}
    if not isinstance(nb_raw, dict):
        return notebooks, problems
    for nb, values in nb_raw.items():
        if values is None:
            values = {}
        if not isinstance(values, dict):
            bad(f"notebooks.{nb}", values, "a mapping of parameter names to values")
            continue
        values = {k: ("" if _is_not_given(k, v) else v) for k, v in values.items()}
        if notebook_params is not None:
            if nb not in notebook_params:
                bad(f"notebooks.{nb}", None, f"a notebook name (one of: {', '.join(sorted(notebook_params))})")
                continue
            known = notebook_params[nb]
            for k, v in values.items():
                if k not in known:
                    bad(
                        f"notebooks.{nb}.{k}",
                        None,
                        f"a parameter of notebook {nb} (one of: {', '.join(sorted(known)) or 'none'})",
                    )
                elif known[k] and not _is_type(v, known[k]):
                    bad(f"notebooks.{nb}.{k}", v, _type_name(known[k]))
        if check_files:
            for k, v in values.items():
                if (k.endswith("_path") or k.endswith("_file")) and isinstance(v, str) and v:
                    if not resolve_path(v, root).exists():
                        bad(f"notebooks.{nb}.{k}", v, "an existing file (relative paths start at the project root)")
        notebooks[str(nb)] = MappingProxyType(dict(values))
    return notebooks, problems


def _is_not_given(key: Any, value: Any) -> bool:
    """A path parameter given as ``none`` (any case): an input the partnership does not have this period."""
    return (
        str(key).endswith(("_path", "_file", "_dir")) and isinstance(value, str) and value.strip().lower() == NOT_GIVEN
    )


def _not_given(raw: Mapping[str, Any]) -> tuple[str, ...]:
    """``notebook.parameter`` of every path parameter given as ``none``."""
    nb_raw = raw.get("notebooks") or {}
    if not isinstance(nb_raw, dict):
        return ()
    return tuple(
        f"{nb}.{k}"
        for nb, values in nb_raw.items()
        if isinstance(values, dict)
        for k, v in values.items()
        if _is_not_given(k, v)
    )


def _names_file(
    raw: Mapping[str, Any], shown: str, root: Path, *, check_files: bool
) -> tuple[Path | None, list[Problem]]:
    """The resolved ``identifier_names_file`` (``None`` when not given), and a problem if it is missing."""
    if not (isinstance(raw.get("identifier_names_file"), str) and raw["identifier_names_file"]):
        return None, []
    names_file = resolve_path(raw["identifier_names_file"], root)
    if check_files and not names_file.is_file():
        return names_file, [
            Problem(
                file=shown,
                key="identifier_names_file",
                value=raw["identifier_names_file"],
                expected="an existing text file",
            )
        ]
    return names_file, []


def _run_config(
    raw: Mapping[str, Any],
    *,
    file: Path,
    root: Path,
    period: Period,
    disclosure: DisclosureConfig,
    notebooks: dict[str, Mapping[str, Any]],
    names_file: Path | None,
    output_root: str | os.PathLike[str] | None,
) -> RunConfig:
    """The :class:`RunConfig` of checked values (``output_root``: the argument, ``$ASSURANCE_OUTPUT_ROOT``, the file)."""
    out = (
        output_root
        if output_root is not None
        else (os.environ.get("ASSURANCE_OUTPUT_ROOT") or raw.get("output_root", "outputs"))
    )
    return RunConfig(
        params_file=file,
        root=root,
        partnership=raw["partnership"].strip(),
        period=period,
        output_root=resolve_path(out, root),
        retention=raw.get("retention", 5),
        cell_timeout=raw.get("cell_timeout", 900),
        disclosure=disclosure,
        identifier_names_file=names_file,
        notebooks=MappingProxyType(notebooks),
        partnership_id=str(raw.get("partnership_id") or "").strip(),
        currency_tolerance_days=raw.get("currency_tolerance_days", 14),
        not_given=_not_given(raw),
    )


def _display(path: Path, root: Path) -> str:
    try:
        return str(path.resolve().relative_to(root))
    except ValueError:
        return str(path)
