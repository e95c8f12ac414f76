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
  echo "Creating the virtual environment .venv (a few seconds) ..."
  "$PY" -m venv .venv
fi
stamp=.venv/.lock-installed
want=$(sha256sum requirements/lock.txt pyproject.toml | sha256sum | cut -d' ' -f1)
if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$want" ]; then
  start=$SECONDS
  n=$(grep -c '==' requirements/lock.txt || true)
  echo "Installing the locked dependencies: about 2 minutes on a 2-core machine with a warm pip cache,"
  echo "  up to 10 minutes when every package is downloaded. Nothing is printed while pip works."
  echo "  [1/4] pip itself ..."
  .venv/bin/python -m pip install --quiet --upgrade "pip>=24"
  echo "  [2/4] $n packages from requirements/lock.txt ..."
  .venv/bin/python -m pip install --quiet -r requirements/lock.txt
  echo "  [3/4] the workbench itself (assurance_lib, editable) ..."
  .venv/bin/python -m pip install --quiet --no-deps -e .
  echo "  [4/4] the notebook kernel ..."
  .venv/bin/python -m ipykernel install --sys-prefix --name python3 --display-name "Python 3 (assurance)" >/dev/null
  echo "$want" > "$stamp"
  echo "Installed in $((SECONDS - start)) s."
fi
