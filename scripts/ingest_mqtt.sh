#!/usr/bin/env bash
# The MQTT consumer of `make run`, signed in to the platform's own broker (scripts/broker.sh) as "ingest".
set -euo pipefail
cd "$(dirname "$0")/.."
dir="${MQTT_DIR:-var/mosquitto}"
for _ in $(seq 1 50); do [ -s "$dir/ingest.password" ] && break; sleep 0.2; done
export MQTT_URL="${MQTT_URL:-mqtt://ingest:$(cat "$dir/ingest.password")@127.0.0.1:${MQTT_PORT:-1884}}"
export MQTT_TOPIC="${MQTT_TOPIC:-frigate/+/events}"
# The integration the demo creates for its district's NVRs (surveillance/demo.py); set it to yours.
export MQTT_INTEGRATION="${MQTT_INTEGRATION:-frigate-mqtt}"
exec .venv/bin/python manage.py ingest_mqtt
