"""Errors a person can act on.

Every user mistake is reported as a :class:`Problem` naming the file, the place, the value and
what was expected; several problems travel together in one :class:`InputError`, so that a run
lists everything wrong with its inputs at once. The ``assurance`` command prints them without a
traceback and exits with code 2. A guard refusing publication raises :class:`PublicationRefused`
(exit code 3).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

__all__ = [
    "Problem",
    "InputError",
    "PublicationRefused",
    "EXIT_OK",
    "EXIT_NOTEBOOK_FAILED",
    "EXIT_BAD_INPUT",
    "EXIT_REFUSED",
]

EXIT_OK = 0
EXIT_NOTEBOOK_FAILED = 1
EXIT_BAD_INPUT = 2
EXIT_REFUSED = 3

_MISSING = object()


@dataclass(frozen=True, slots=True, kw_only=True)
class Problem:
    """One problem with an input, located as precisely as possible.

    Examples
    --------
    >>> str(Problem(file="data/local/s11.xlsx", place="sheet 'Returns', row 14",
    ...             column="self_rating", value="Mostly met",
    ...             expected="one of: Red, Amber, Green"))
    "data/local/s11.xlsx, sheet 'Returns', row 14, column 'self_rating': 'Mostly met' (expected one of: Red, Amber, Green)"
    """

    file: str
    place: str = ""
    column: str = ""
    key: str = ""
    value: Any = _MISSING
    expected: str = ""
    message: str = ""

    def __str__(self) -> str:
        where = [self.file]
        if self.place:
            where.append(self.place)
        if self.key:
            where.append(f"key '{self.key}'")
        if self.column:
            where.append(f"column '{self.column}'")
        head = ", ".join(where)
        parts = []
        if self.value is not _MISSING and self.value is not None:
            parts.append(repr(self.value) if isinstance(self.value, str) else str(self.value))
        if self.message:
            parts.append(self.message)
        if self.expected:
            parts.append(f"(expected {self.expected})")
        body = " ".join(parts) if parts else "invalid"
        return f"{head}: {body}"


class InputError(Exception):
    """Bad parameters or input data: one or more :class:`Problem` (exit code 2)."""

    def __init__(self, problems: Iterable[Problem] | Problem | str):
        if isinstance(problems, (Problem, str)):
            problems = [problems]
        self.problems: list[Problem | str] = list(problems)
        super().__init__(self.render())

    def render(self, limit: int | None = None) -> str:
        """All problems, one a line (at most ``limit``, with a count of the rest)."""
        items = [str(p) for p in self.problems]
        if limit is not None and len(items) > limit:
            items = items[:limit] + [f"... and {len(items) - limit} more problems"]
        n = len(self.problems)
        head = f"{n} problem{'s' if n != 1 else ''} with the input:"
        return "\n".join([head, *("  - " + i for i in items)])


class PublicationRefused(Exception):
    """The disclosure or identifier guard refused to publish (exit code 3).

    The message names the file and the kind of problem, never an identifying value.
    """
