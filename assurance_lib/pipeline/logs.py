"""The run's log: one line per step to the console (unless quiet) and to the pack's ``run.log``."""

from __future__ import annotations

import logging
import sys
from collections.abc import Iterable
from pathlib import Path

__all__ = ["log", "setup_logging", "drop_logging"]

log = logging.getLogger("assurance")


def setup_logging(log_file: Path | None, quiet: bool) -> list[logging.Handler]:
    """Attach a console handler (unless ``quiet``) and a file handler (when ``log_file``); return them."""
    handlers: list[logging.Handler] = []
    log.setLevel(logging.INFO)
    log.propagate = False
    if not quiet:
        h = logging.StreamHandler(sys.stdout)
        h.setFormatter(logging.Formatter("%(message)s"))
        handlers.append(h)
    if log_file is not None:
        log_file.parent.mkdir(parents=True, exist_ok=True)
        fh = _RunLogHandler(log_file, encoding="utf-8")
        fh.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(message)s", "%Y-%m-%dT%H:%M:%S"))
        handlers.append(fh)
    for h in handlers:
        log.addHandler(h)
    return handlers


class _RunLogHandler(logging.FileHandler):
    """``run.log``: a line that cannot be written (a full disk) is lost quietly, never printed as a
    traceback; the step that then fails to write says what could not be written."""

    def handleError(self, record: logging.LogRecord) -> None:  # noqa: N802 (logging's name)
        pass


def drop_logging(handlers: Iterable[logging.Handler]) -> None:
    """Detach and close ``handlers`` (a handler that cannot flush, on a full disk, is closed all the same)."""
    for h in handlers:
        log.removeHandler(h)
        try:
            h.close()
        except OSError:
            pass
