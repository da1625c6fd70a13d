#!/usr/bin/env bash
# The platform's own MQTT broker for `make run`: Mosquitto on 127.0.0.1:${MQTT_PORT:-1884} with the ACL of
# docker/mosquitto/acl, no anonymous clients, and a random password for the consumer user "ingest", made once and
# kept in var/mosquitto/ (or $MQTT_DIR; never committed). Prints nothing but Mosquitto's log; runs in the foreground (Procfile).
set -euo pipefail
cd "$(dirname "$0")/.."
dir=$(realpath -m "${MQTT_DIR:-var/mosquitto}")
mkdir -p "$dir/data"
[ -s "$dir/ingest.password" ] || (umask 077; head -c 24 /dev/urandom | base64 | tr -d '/+=' > "$dir/ingest.password")
rm -f "$dir/passwd"
(umask 077; touch "$dir/passwd")
mosquitto_passwd -b "$dir/passwd" ingest "$(cat "$dir/ingest.password")"
sed "s|^listener 1883|listener ${MQTT_PORT:-1884} 127.0.0.1|; s|/mosquitto/config/|$dir/|; s|^acl_file .*|acl_file $PWD/docker/mosquitto/acl|; s|/mosquitto/data/|$dir/data/|" \
  docker/mosquitto/mosquitto.conf > "$dir/mosquitto.conf"
# Started as root, Mosquitto would switch to its own system user, which cannot read this checkout.
echo "user $(id -un)" >> "$dir/mosquitto.conf"
exec mosquitto -c "$dir/mosquitto.conf"
