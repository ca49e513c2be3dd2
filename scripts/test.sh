#!/usr/bin/env bash
# Install everything and run every test: the full suite on Django 5.2 with SQLite, the Django
# app's tests again on PostgreSQL, then the Django app's tests and the differential tests against
# django-imagekit/pilkit (tests/differential) on Django 4.2, 6.0 and 6.1 (6.x on Python 3.12+). On every version, django-imagekit's and pilkit's own test suites run against
# this project (scripts/conformance.py); each must pass at least its floor.
# Services: the machine's PostgreSQL/Redis are used when they answer; otherwise the tests
# start (and if need be install) private ones, or fail saying why.
set -euo pipefail
cd "$(dirname "$0")/.."
# What already conforms must not slide back; raise these as more passes.
floors=(--min-imagekit 57 --min-pilkit 29)

python312=${IK_PYTHON312:-}
if [ -z "$python312" ]; then
    for candidate in python3.13 python3.12 "$HOME/.pyenv/versions/3.12.1/bin/python"; do
        if command -v "$candidate" >/dev/null 2>&1 \
            && "$candidate" -c 'import sys; sys.exit(sys.version_info < (3, 12))'; then
            python312=$candidate
            break
        fi
    done
fi
if [ -z "$python312" ]; then
    echo "test.sh: Django 6.x needs Python 3.12+; none found (set IK_PYTHON312)" >&2
    exit 1
fi

bash scripts/install.sh .venv "Django>=5.2,<5.3"
.venv/bin/ruff check .
echo "== full suite: Django 5.2, SQLite"
.venv/bin/python -m pytest "$@"
echo "== Django app on PostgreSQL"
IK_TEST_DATABASE=postgres .venv/bin/python -m pytest plugins/django "$@"
echo "== conformance: Django 5.2"
.venv/bin/python scripts/conformance.py "${floors[@]}"

run_version() {  # VENV PYTHON DJANGO_SPEC LABEL
    echo "== Django app, differential tests and conformance on Django $4"
    IK_PYTHON=$2 bash scripts/install.sh "$1" "$3"
    "$1/bin/python" -m pytest plugins/django tests/differential "${@:5}"
    "$1/bin/python" scripts/conformance.py "${floors[@]}"
}
run_version .venv-django42 python3 "Django>=4.2,<4.3" 4.2 "$@"
run_version .venv-django60 "$python312" "Django>=6.0,<6.1" 6.0 "$@"
run_version .venv-django61 "$python312" "Django>=6.1,<6.2" 6.1 "$@"
