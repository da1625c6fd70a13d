"""What the MQTT tests need from the machine: the Mosquitto that `make setup` installs and starts. Without it they
fail with the way out in the message, never skip: a suite that skips them would pass without testing the consumer."""

import shutil
import socket

import pytest

SYSTEM_PATH = "/usr/sbin:/usr/bin:/bin"


def require_mosquitto_running(host: str = "127.0.0.1", port: int = 1883) -> None:
    try:
        socket.create_connection((host, port), timeout=1).close()
    except OSError as exc:
        pytest.fail(f"Mosquitto is not running on {host}:{port} ({exc}): `make setup` installs and starts it",
                    pytrace=False)


def require_mosquitto_installed() -> None:
    missing = [name for name in ("mosquitto", "mosquitto_passwd") if not shutil.which(name, path=SYSTEM_PATH)]
    if missing:
        pytest.fail(f"{', '.join(missing)} not found: `make setup` installs Mosquitto (apt package mosquitto)",
                    pytrace=False)
