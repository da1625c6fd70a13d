#!/usr/bin/env bash
# Waits for the database, then (web container only, ROLE=web) migrates and loads the demo data.
set -euo pipefail
# No key given: the web container makes one (random, kept in the shared `secrets` volume); the others, which start
# after the web container is healthy, read it. The settings refuse a missing or published key.
if [ -z "${DJANGO_SECRET_KEY:-}" ]; then
  keyfile=/app/var/secrets/django_secret_key
  if [ "${ROLE:-}" = "web" ] && [ ! -s "$keyfile" ]; then
    (umask 077; python -c "import secrets; print(secrets.token_urlsafe(50))" > "$keyfile")
  fi
  for _ in $(seq 1 60); do [ -s "$keyfile" ] && break; echo "waiting for the secret key..."; sleep 1; done
  DJANGO_SECRET_KEY=$(cat "$keyfile"); export DJANGO_SECRET_KEY
fi
if [ -z "${DEVICE_CREDENTIAL_KEYS:-}" ]; then
  keysfile=/app/var/secrets/device_credential_keys
  if [ "${ROLE:-}" = "web" ] && [ ! -s "$keysfile" ]; then
    (umask 077; python -c "from cryptography.fernet import Fernet; print(Fernet.generate_key().decode())" > "$keysfile")
  fi
  for _ in $(seq 1 60); do [ -s "$keysfile" ] && break; echo "waiting for the device credential key..."; sleep 1; done
  DEVICE_CREDENTIAL_KEYS=$(cat "$keysfile"); export DEVICE_CREDENTIAL_KEYS
fi
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
  # This week's risk scores, hot spots and backtest (as `make run`; beat recomputes them every Monday night).
  python manage.py risk_compute
  python manage.py demo_logins || true
fi
exec "$@"
