#!/usr/bin/env bash
# The demo site, from nothing to a browser tab: build the wheels (scripts/build_dist.sh), install
# what the demo runs (ik-django and the example sepia plugin, as a user would) into .venv-demo,
# migrate a SQLite database, add the sample photos, pre-generate their images (generateimages),
# and serve the site on 127.0.0.1:8000.
#
#   bash scripts/demo.sh               install, set up, serve until Ctrl-C
#   bash scripts/demo.sh --no-serve    install and set up only
#   bash scripts/demo.sh --no-install  skip the pip steps (everything is installed already)
#
# IK_DEMO_ADDR (default 127.0.0.1:8000) says where to serve; IK_DEMO_DATABASE and
# IK_DEMO_MEDIA_ROOT move the data out of example/; IK_DEMO_PYTHON picks the interpreter that
# runs the site (default .venv-demo/bin/python, made with python3 or $IK_PYTHON).
set -euo pipefail
cd "$(dirname "$0")/.."

serve=1
install=1
for arg in "$@"; do
    case "$arg" in
        --no-serve) serve=0 ;;
        --no-install) install=0 ;;
        -h | --help) sed -n '2,13p' "$0"; exit 0 ;;
        *) echo "demo.sh: unknown option '$arg' (see --help)" >&2; exit 2 ;;
    esac
done
addr=${IK_DEMO_ADDR:-127.0.0.1:8000}
python=${IK_DEMO_PYTHON:-.venv-demo/bin/python}
dist=${IK_DIST_DIR:-dist}  # where scripts/build_dist.sh puts the wheels
export DJANGO_SETTINGS_MODULE=demo.settings  # whatever the calling shell had
manage() { "$python" example/manage.py "$@"; }

if [ "$install" = 1 ]; then
    echo "== building the wheels into $dist/"
    bash scripts/build_dist.sh
    if [ ! -x "$python" ]; then
        "${IK_PYTHON:-python3}" -m venv "$(dirname "$(dirname "$python")")"
    fi
    echo "== installing ik-django and the example plugin from $dist/"
    "$python" -m pip install --quiet --disable-pip-version-check --find-links "$dist" \
        --upgrade --force-reinstall --no-deps ik-host ik-defaults ik-processors-pilkit \
        ik-pictures ik-strategy-optimistic ik-django ik-example-sepia
    "$python" -m pip install --quiet --disable-pip-version-check --find-links "$dist" \
        ik-django ik-example-sepia
    echo "== installing scikit-image (optional: its bundled photographs are the samples)"
    "$python" -m pip install --quiet --disable-pip-version-check scikit-image \
        || echo "   scikit-image could not be installed; the samples will be drawn with Pillow"
fi

echo "== migrating the SQLite database"
manage migrate --verbosity 0
echo "== adding the sample photos"
manage loadsamples
manage demouser
echo "== generating every spec of every photo ahead of time"
manage generateimages

if [ "$serve" = 0 ]; then
    echo "== ready; serve it with: $python example/manage.py runserver $addr --noreload"
    exit 0
fi
cat <<MSG
== serving the demo (Ctrl-C stops it)

   Gallery   http://$addr/
   Upload    http://$addr/upload/
   Admin     http://$addr/admin/   (user demo, password demo)

MSG
exec "$python" example/manage.py runserver "$addr" --noreload
