#!/usr/bin/env bash
# Create .venv (if needed) and install the host, every plugin and the test tools into it.
# Usage: bash scripts/install.sh [VENV_DIR] [extra pip requirement ...]
set -euo pipefail
cd "$(dirname "$0")/.."
venv=${1:-.venv}
shift || true
python=${IK_PYTHON:-python3}
if [ ! -x "$venv/bin/python" ]; then
    "$python" -m venv "$venv"
fi
"$venv/bin/python" -m pip install --quiet --disable-pip-version-check --upgrade pip
"$venv/bin/python" -m pip install --quiet --disable-pip-version-check -r requirements-dev.txt "$@"
