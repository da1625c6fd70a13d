#!/usr/bin/env bash
# Idempotent set-up shared by `make run` and `make test`: system packages, services, database,
# virtualenv, translations, migrations. Each step checks first, so a second run is quick.
set -euo pipefail
cd "$(dirname "$0")/.."

say() { printf '\033[1;34m==>\033[0m %s\n' "$*"; }
SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi

# --- system packages ---------------------------------------------------------------------------
need=()
command -v psql >/dev/null 2>&1 || need+=(postgresql postgresql-client)
pgver=$(ls /usr/lib/postgresql 2>/dev/null | sort -n | tail -1 || true)
[ -n "$pgver" ] && [ -f "/usr/share/postgresql/$pgver/extension/postgis.control" ] || need+=("postgresql-${pgver:-15}-postgis-3")
command -v redis-server >/dev/null 2>&1 || need+=(redis-server)
command -v ogrinfo >/dev/null 2>&1 || need+=(gdal-bin)
command -v msgfmt >/dev/null 2>&1 || need+=(gettext)
command -v mosquitto >/dev/null 2>&1 || need+=(mosquitto)
# WeasyPrint (the PDF report) draws text with Pango; DejaVu covers Uzbek Latin and Cyrillic.
ldconfig -p 2>/dev/null | grep -q libpangoft2-1.0 || need+=(libpango-1.0-0 libpangoft2-1.0-0)
[ -d /usr/share/fonts/truetype/dejavu ] || need+=(fonts-dejavu-core)
if [ "${SKIP_BROWSER:-0}" != "1" ]; then
  [ -x /usr/bin/chromium ] || need+=(chromium fonts-dejavu-core)
fi
python3 -c 'import venv, ensurepip' 2>/dev/null || need+=(python3-venv)
if [ ${#need[@]} -gt 0 ]; then
  say "installing system packages: ${need[*]}"
  $SUDO apt-get update -q
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -q --no-install-recommends "${need[@]}"
fi

# --- services ----------------------------------------------------------------------------------
if ! pg_isready -q -h 127.0.0.1 -p 5432; then
  say "starting PostgreSQL"
  pgver=$(ls /etc/postgresql | sort -n | tail -1)
  $SUDO pg_ctlcluster --skip-systemctl-redirect "$pgver" main start || $SUDO pg_ctlcluster "$pgver" main start
  for _ in $(seq 1 30); do pg_isready -q -h 127.0.0.1 -p 5432 && break; sleep 1; done
fi
if ! redis-cli -h 127.0.0.1 -p 6379 ping >/dev/null 2>&1; then
  say "starting Redis"
  $SUDO mkdir -p /var/lib/redis /var/log/redis
  $SUDO redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save "" --appendonly no \
    --dir /var/lib/redis --logfile /var/log/redis/mahalla-safety.log
  for _ in $(seq 1 20); do redis-cli -h 127.0.0.1 ping >/dev/null 2>&1 && break; sleep 0.5; done
fi
if ! (exec 3<>/dev/tcp/127.0.0.1/1883) 2>/dev/null; then
  say "starting Mosquitto"
  if [ -f /etc/mosquitto/mosquitto.conf ]; then $SUDO mosquitto -d -c /etc/mosquitto/mosquitto.conf; else $SUDO mosquitto -d; fi
fi

# --- virtualenv --------------------------------------------------------------------------------
if [ ! -x .venv/bin/python ]; then
  say "creating .venv"
  python3 -m venv .venv
fi
stamp=.venv/.requirements.sha256
want=$(sha256sum requirements.lock | cut -d' ' -f1)
if [ "$(cat "$stamp" 2>/dev/null)" != "$want" ]; then
  say "installing locked Python dependencies"
  .venv/bin/python -m pip install -q --upgrade pip
  .venv/bin/python -m pip install -q --require-hashes -r requirements.lock
  echo "$want" > "$stamp"
fi

# --- secret key --------------------------------------------------------------------------------
# With DJANGO_DEBUG off the settings refuse a missing or published key: a first run makes one for this machine
# and keeps it in .env (never committed: .gitignore), so sessions survive restarts.
if [ -z "${DJANGO_SECRET_KEY:-}" ] && ! grep -qs '^DJANGO_SECRET_KEY=.' .env; then
  say "writing a new random DJANGO_SECRET_KEY to .env"
  [ -s .env ] && [ -n "$(tail -c1 .env)" ] && echo >> .env
  (umask 077; printf 'DJANGO_SECRET_KEY=%s\n' "$(python3 -c 'import secrets; print(secrets.token_urlsafe(50))')" >> .env)
fi
# Pulled devices' passwords are encrypted with a key of their own (surveillance/credentials.py), never SECRET_KEY.
if [ -z "${DEVICE_CREDENTIAL_KEYS:-}" ] && ! grep -qs '^DEVICE_CREDENTIAL_KEYS=.' .env; then
  say "writing a new random DEVICE_CREDENTIAL_KEYS to .env"
  [ -s .env ] && [ -n "$(tail -c1 .env)" ] && echo >> .env
  (umask 077; printf 'DEVICE_CREDENTIAL_KEYS=%s\n' \
    "$(python3 -c 'import base64, os; print(base64.urlsafe_b64encode(os.urandom(32)).decode())')" >> .env)
fi

# --- database, translations, schema ------------------------------------------------------------
.venv/bin/python scripts/ensure_db.py
.venv/bin/python manage.py compilemessages -v 0 --ignore=.venv
.venv/bin/python manage.py migrate --noinput -v 0
say "set-up done"
