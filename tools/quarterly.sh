#!/usr/bin/env bash
# One command: set up .venv (first time only) and run the quarterly pack.
# With no argument: the bundled synthetic partnership, 2026-27 Q2. Otherwise: tools/quarterly.sh parameters/<period>.yaml
set -euo pipefail
cd "$(dirname "$0")/.."
bash tools/setup-venv.sh
exec .venv/bin/assurance run "$@"
