#!/usr/bin/env bash
# Run the benchmarks: bash bench/run.sh [--quick] [--rounds N] [--only SECTION ...]
#                      bash bench/run.sh --before [REV] [--after REV] [--rounds N]
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
exec "${PYTHON:-python3}" "$here/run.py" "$@"
