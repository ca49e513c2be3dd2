#!/usr/bin/env bash
# Build a wheel of every distribution of this repository into dist/ (or $IK_DIST_DIR), so that
# the install lines of the README and docs work before the distributions are on PyPI:
#
#   bash scripts/build_dist.sh
#   pip install --find-links dist ik-django
#
# Needs only Python 3.11+ with pip; the build backend (setuptools) comes from PyPI.
# IK_PYTHON picks the interpreter.
set -euo pipefail
cd "$(dirname "$0")/.."
python=${IK_PYTHON:-python3}
out=${IK_DIST_DIR:-dist}
mkdir -p "$out"
dists=(. plugins/*/ examples/ik-example-sepia)
"$python" -m pip wheel --quiet --disable-pip-version-check --no-deps --wheel-dir "$out" "${dists[@]}"
echo "built ${#dists[@]} wheels into $out/; install with: pip install --find-links $out ik-django"
