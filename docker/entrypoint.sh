#!/usr/bin/env bash
# Waits for the database, then (web container only, ROLE=web) migrates and loads the demo data.
set -euo pipefail
for _ in $(seq 1 60); do
  python -c "import psycopg, os, urllib.parse as u; p=u.urlparse(os.environ['DATABASE_URL']); \
psycopg.connect(host=p.hostname, port=p.port or 5432, user=p.username, password=p.password, dbname='postgres').close()" \
    2>/dev/null && break
  echo "waiting for the database..."; sleep 1
done
if [ "${ROLE:-}" = "web" ]; then
  python scripts/ensure_db.py
  python manage.py migrate --noinput
  python manage.py load_demo
  python manage.py load_demo_activity
  python manage.py demo_logins || true
fi
exec "$@"
