#!/usr/bin/env bash
# The whole suite against the real PostgreSQL/PostGIS, Redis and Chromium set up by setup.sh.
set -euo pipefail
cd "$(dirname "$0")/.."
.venv/bin/python manage.py collectstatic --noinput -v 0
# --create-db: a stale test database from an older schema must never hide a missing migration.
# The surveillance worker tests run in a fresh database of their own: after the rest of the suite they
# fail (to be investigated: state left by earlier transactional tests), alone they pass.
.venv/bin/pytest --create-db -p no:cacheprovider --ignore=tests/surveillance/test_worker.py "$@"
exec .venv/bin/pytest --create-db -p no:cacheprovider tests/surveillance/test_worker.py
