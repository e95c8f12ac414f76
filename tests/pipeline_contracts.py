"""An input contract for the pipeline's test notebook (registered by the pipeline tests only)."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pandas as pd

from assurance_lib.errors import InputError
from assurance_lib.readers import InputContract, display_path, read_table, register, require_columns


def read_demo_children(path: Path, params: Mapping[str, Any]) -> pd.DataFrame:
    df = read_table(path)
    problems = require_columns(df, ["child_id"], display_path(path))
    if problems:
        raise InputError(problems)
    return df


DEMO = register(
    InputContract(
        name="demo_children",
        notebook="01_demo",
        parameter="child_ids_path",
        read=read_demo_children,
        description="demo child list",
        identifier_columns=("child_id",),
    )
)
