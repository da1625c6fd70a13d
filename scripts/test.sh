#!/usr/bin/env bash
# The whole suite against the real PostgreSQL/PostGIS, Redis and Chromium set up by setup.sh.
set -euo pipefail
cd "$(dirname "$0")/.."
.venv/bin/python manage.py collectstatic --noinput -v 0
# --create-db: a stale test database from an older schema must never hide a missing migration.
exec .venv/bin/pytest --create-db -p no:cacheprovider "$@"
