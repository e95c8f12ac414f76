#!/usr/bin/env bash
# One command: set up .venv (first time only) and run the whole test suite.
# Browser tests need Debian's chromium (and node/npm for axe-core); without them they skip with a
# reason, except under CI (CI=true), where they are required. CI (.ci/run) also runs the pre-commit
# checks first: `.venv/bin/pre-commit run --all-files` (docs/developing.md, "Testing").
set -euo pipefail
cd "$(dirname "$0")/.."
bash tools/setup-venv.sh
if [ -f package-lock.json ] && command -v npm >/dev/null 2>&1; then
  if [ ! -d node_modules/axe-core ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
    npm ci --no-audit --no-fund --silent
  fi
fi
# on every core (pytest-xdist; TEST_WORKERS=0 runs in this process): each file's tests in one worker,
# the session's quarterly packs built once for all of them (tests/conftest.py)
exec .venv/bin/python -m pytest -n "${TEST_WORKERS:-auto}" --dist loadfile "$@"
