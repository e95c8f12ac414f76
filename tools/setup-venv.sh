#!/usr/bin/env bash
# Create (or bring up to date) the project's virtual environment in .venv from the lock file.
# Used by tools/quarterly.sh and tools/test.sh; needs only Python 3.11+ with its venv module.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PYTHON:-python3}
"$PY" - <<'PYCHECK'
import sys
if sys.version_info < (3, 11):
    sys.exit(f"Python 3.11 or newer is needed (found {sys.version.split()[0]}); set PYTHON=/path/to/python3.11")
PYCHECK
if [ ! -x .venv/bin/python ]; then
  echo "Creating .venv ..."
  "$PY" -m venv .venv
fi
stamp=.venv/.lock-installed
want=$(sha256sum requirements/lock.txt pyproject.toml | sha256sum | cut -d' ' -f1)
if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$want" ]; then
  echo "Installing the locked dependencies (requirements/lock.txt) ..."
  .venv/bin/python -m pip install --quiet --upgrade "pip>=24"
  .venv/bin/python -m pip install --quiet -r requirements/lock.txt
  .venv/bin/python -m pip install --quiet --no-deps --no-build-isolation -e . 2>/dev/null \
    || .venv/bin/python -m pip install --quiet --no-deps -e .
  .venv/bin/python -m ipykernel install --sys-prefix --name python3 --display-name "Python 3 (assurance)" >/dev/null
  echo "$want" > "$stamp"
fi
