"""/healthz: 200 when the database and Redis answer, 503 otherwise, and nothing more."""

import socket

import pytest
from django.db import DatabaseError
from django.test import Client

from core import health

pytestmark = pytest.mark.django_db


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]  # closed again when the socket is: nothing listens there


def test_healthz_without_sign_in_answers_200_when_all_is_well():
    response = Client().get("/healthz")

    assert response.status_code == 200
    assert response.json() == {"database": "ok", "redis": "ok"}


def test_healthz_answers_503_when_redis_is_down(settings):
    url = f"redis://127.0.0.1:{_closed_port()}/0"
    settings.REDIS_URL = url
    settings.CACHES = {"default": {**settings.CACHES["default"], "LOCATION": url}}

    response = Client().get("/healthz")

    assert response.status_code == 503
    assert response.json() == {"database": "ok", "redis": "error"}


class _BrokenConnection:
    def cursor(self):
        raise DatabaseError("connection refused: secret-host:5432")


def test_healthz_answers_503_without_details_when_the_database_is_down(monkeypatch):
    monkeypatch.setattr(health, "connection", _BrokenConnection())

    response = Client().get("/healthz")

    assert response.status_code == 503
    assert response.json() == {"database": "error", "redis": "ok"}
    assert b"secret-host" not in response.content


def test_healthz_refuses_writes():
    assert Client().post("/healthz").status_code == 405
