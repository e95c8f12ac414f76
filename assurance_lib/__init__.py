"""Safeguarding assurance workbench: the helper library behind the notebooks.

All logic lives here; notebooks are narrative plus one-line calls. See README.md for the map.
"""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("assurance-workbench")
except PackageNotFoundError:  # running from a source tree that is not installed
    __version__ = "0.0.0+unknown"

__all__ = ["__version__"]
