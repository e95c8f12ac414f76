"""Schools and colleges (section 175/157): the annual safeguarding audit against KCSIE, on the Section 11 engine.

Submodules
----------
inputs
    The schools register, the audit returns (read by the Section 11 returns reader, ``urn`` in
    place of ``agency``) and the dip-sample history.
settings
    ``Settings.from_params(ctx.params)``: notebook 02's ``schools_*`` and ``dip_*`` parameters.
compute
    ``load(settings)`` and ``compute(inputs, settings)``: ratings of record, moderation, evidence
    and trends from :mod:`assurance_lib.section11.analysis` (one engine), compliance by phase, type
    and trust, the non-compliance panel list and the dip sample.
dip
    The reproducible random dip sample, at most once every three years per provider.
present
    What notebook 02's schools section calls.

The schools audit runs as a section of notebook 02 (see docs/schools.md for why). Importing this
package registers its input contracts with the reader layer under notebook ``02_section11``.
"""

from __future__ import annotations

from ..readers import InputContract, register
from ..section11.inputs import read_framework_input
from .compute import SchoolsResults, compliance_by, compute, load
from .dip import DipSample, draw
from .inputs import read_dip_history, read_schools_register, read_schools_returns
from .present import (
    analyse,
    school_letter_html,
    show_dip_sample,
    show_schools_compliance,
    show_schools_panel,
    show_schools_returns,
    write_school_letters,
)
from .settings import Settings

__all__ = [
    "SchoolsResults",
    "compliance_by",
    "compute",
    "load",
    "DipSample",
    "draw",
    "read_dip_history",
    "read_schools_register",
    "read_schools_returns",
    "analyse",
    "school_letter_html",
    "show_dip_sample",
    "show_schools_compliance",
    "show_schools_panel",
    "show_schools_returns",
    "write_school_letters",
    "Settings",
]

NOTEBOOK = "02_section11"

register(
    InputContract(
        name="schools_framework",
        notebook=NOTEBOOK,
        parameter="schools_framework_path",
        read=read_framework_input,
        optional=True,
        description="schools safeguarding audit framework (KCSIE) as YAML",
    )
)
register(
    InputContract(
        name="schools_register",
        notebook=NOTEBOOK,
        parameter="schools_register_path",
        read=read_schools_register,
        optional=True,
        description="schools and colleges register: URN, name, phase, type, trust",
    )
)
register(
    InputContract(
        name="schools_returns",
        notebook=NOTEBOOK,
        parameter="schools_returns_path",
        read=read_schools_returns,
        optional=True,
        description="schools safeguarding audit returns: one row per year x school x standard",
    )
)
register(
    InputContract(
        name="schools_dip_history",
        notebook=NOTEBOOK,
        parameter="dip_history_path",
        read=read_dip_history,
        optional=True,
        description="dip-sample history: year, URN and seed of every provider sampled",
    )
)
