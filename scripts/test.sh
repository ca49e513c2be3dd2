#!/usr/bin/env bash
# Install everything and run every test: the full suite on Django 5.2 with SQLite, the Django
# app's tests again on PostgreSQL, and once more on Django 4.2 LTS.
# Services: the machine's PostgreSQL/Redis are used when they answer; otherwise the tests
# start (and if need be install) private ones, or fail saying why.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install.sh .venv "Django>=5.2,<5.3"
.venv/bin/ruff check .
echo "== full suite: Django 5.2, SQLite"
.venv/bin/python -m pytest "$@"
echo "== Django app on PostgreSQL"
IK_TEST_DATABASE=postgres .venv/bin/python -m pytest plugins/django "$@"
echo "== Django app on Django 4.2 LTS"
bash scripts/install.sh .venv-django42 "Django>=4.2,<4.3"
.venv-django42/bin/python -m pytest plugins/django "$@"
