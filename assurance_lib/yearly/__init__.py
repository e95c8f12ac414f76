"""The year end: four quarterly packs rolled up into the statutory yearly report's data appendix,
and a plain-language summary for children and families.

Working Together to Safeguard Children 2023 asks the safeguarding partners to publish a yearly
report: what they did, how effective the arrangements were, evidence of impact, learning, how
children's voice was used, and the independent scrutiny. ``assurance year 2026-27`` reads the
latest good pack of each quarter of that reporting year (``LATEST``, followed only through
:func:`assurance_lib.packs.read_latest`), says which quarters are missing, and writes a yearly pack
``outputs/2026-27-year/<run-id>/`` with the same folders as a quarterly pack (``shareable/``,
``internal/``, ``manifest.json``, ``LATEST`` written last).

It never recomputes anything from the inputs: every number comes from a table the quarterly packs
published (already protected by disclosure control), read by its name; a table that a pack does
not hold is named as missing, never guessed.

The parts, one role each:

- :mod:`.inputs`   the reporting year, the quarter packs and their published tables;
- :mod:`.compute`  the roll-up tables (pure: frames in, frames out);
- :mod:`.present`  the data appendix page and the children's summary (HTML and Markdown);
- :mod:`.build`    :func:`run_year`: the yearly pack, built in a hidden folder and moved into place.
"""

from __future__ import annotations

from .build import YEAR_SUFFIX, YearResult, run_year
from .inputs import QuarterPack, find_quarters, parse_year

__all__ = ["run_year", "YearResult", "YEAR_SUFFIX", "QuarterPack", "find_quarters", "parse_year"]
