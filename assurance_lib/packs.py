"""Run ids and ``LATEST``: the only way to name a pack inside ``outputs/``.

A period's folder ``outputs/<slug>/`` holds good packs named by run id (``20261122T044439Z``,
suffixed ``-2`` and on when taken) and ``LATEST``, which names the last good pack. ``LATEST`` is
only ever followed through :func:`read_latest`, which accepts nothing but a run id naming a
folder directly inside the period's folder. This module sits low in the library (it imports
nothing from it) so that the pipeline, which writes packs, and the report, which reads the
previous period's pack, follow the same rule.
"""

from __future__ import annotations

import re
from pathlib import Path

__all__ = ["RUN_ID_RE", "read_latest"]

RUN_ID_RE = re.compile(r"^\d{8}T\d{6}Z(-\d+)?$")
"""A run id: the UTC start time, e.g. ``20261122T044439Z``, with ``-2``, ``-3``... when taken."""
_LATEST_MAX_BYTES = 64


def read_latest(period_dir: Path, *, output_root: Path | None = None) -> Path | None:
    """The last good pack of a period (named by ``LATEST``), or None.

    ``LATEST`` must hold a run id and nothing else (see :data:`RUN_ID_RE`), and that id must name
    a folder directly inside ``period_dir`` (not a symbolic link). Anything else (``../../etc``,
    an absolute path, a link out of the folder, an unreadable file) gives None: the previous
    pack is then treated as absent. With ``output_root``, ``period_dir`` itself must also be a
    folder directly inside it (``outputs/<slug>``).

    Examples
    --------
    >>> bool(RUN_ID_RE.fullmatch("20261122T044439Z-2")), bool(RUN_ID_RE.fullmatch("../../etc"))
    (True, False)
    """
    period_dir = Path(period_dir)
    if output_root is not None:
        if period_dir.is_symlink() or period_dir.resolve().parent != Path(output_root).resolve():
            return None
    p = period_dir / "LATEST"
    if p.is_symlink() or not p.is_file():
        return None
    try:
        with open(p, "rb") as fh:
            rid = fh.read(_LATEST_MAX_BYTES + 1).decode("ascii").strip()
    except (OSError, UnicodeDecodeError):
        return None
    if len(rid) > _LATEST_MAX_BYTES or not RUN_ID_RE.fullmatch(rid):
        return None
    pack = period_dir / rid
    if pack.is_symlink() or not pack.is_dir():
        return None
    if pack.resolve().parent != period_dir.resolve():
        return None
    return pack
