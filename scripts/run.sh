#!/usr/bin/env bash
# Starts web, Celery worker and Celery beat in one foreground process group (Ctrl-C stops all).
set -euo pipefail
cd "$(dirname "$0")/.."
mkdir -p var
echo
echo "Mahalla Safety is starting at http://${HOST:-127.0.0.1}:${PORT:-8000}/"
.venv/bin/python manage.py demo_logins || true
echo
exec .venv/bin/honcho -f Procfile start
