"""The OpenAPI schema fuzzed with schemathesis: every operation, bounded examples, a fixed seed; 0 server errors.

Each operation is called as the caller it is meant for: ingest (alert, Hikvision and Frigate pushes) with an
integration's token, everything else with a district official's API token, so generated input reaches the
validation and the services instead of stopping at 401/403. Only "not a server error" is checked: answers that
differ from the schema in other ways are the schema tests' business (tests/api/test_schema.py).
"""

from contextlib import contextmanager

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from django.test import Client
from drf_spectacular.generators import SchemaGenerator
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error

from accounts.throttling import AnonymousRateThrottle, PerTokenOrUserRateThrottle
from tests.conftest import PASSWORD
from tests.surveillance.conftest import site  # noqa: F401 - fixture: cameras of district A1 and an integration

pytestmark = [pytest.mark.django_db, pytest.mark.fuzz]

INGEST = {("POST", "/api/v1/surveillance/alerts/"), ("POST", "/api/v1/surveillance/hikvision/"),
          ("POST", "/api/v1/surveillance/frigate/")}
# Enough to reach every operation's validation with a few shapes of input, small enough for `make test`.
EXAMPLES = 15


@pytest.fixture
def api_schema():
    schema = schemathesis.openapi.from_dict(SchemaGenerator().get_schema(request=None, public=True))
    schema.app = get_wsgi_application()
    return schema


@contextmanager
def _connection_kept_open():
    """The WSGI handler closes the database connection after each request, which would end the test's
    transaction; Django's test client unhooks the same receiver around each of its requests."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


@pytest.fixture
def callers(personas, territory, site, monkeypatch):  # noqa: F811
    # The fuzzer sends hundreds of requests a minute from one user: the rate limits would answer most of them.
    for throttle in (PerTokenOrUserRateThrottle, AnonymousRateThrottle):
        monkeypatch.setattr(throttle, "THROTTLE_RATES", {"user": "1000000/min", "anon": "1000000/min"})
    issued = Client().post("/api/v1/auth/token/", {"username": personas.district_official.username,
                                                   "password": PASSWORD})
    assert issued.status_code == 200, issued.content
    return {"official": {"Authorization": f"Token {issued.json()['token']}"},
            "integration": {"Authorization": f"Bearer {site.token}"}}


@pytest.fixture
def known_ids(site):  # noqa: F811
    """Paths whose {id} is pinned to an object the official may change, so generated bodies reach validation
    and the services instead of a 404 (a random id names nothing)."""
    return {"/api/v1/surveillance/cameras/{id}/": {"id": site.street.pk}}


def _fuzz(operation, callers, path_parameters) -> set[int]:
    caller = "integration" if (operation.method.upper(), operation.path) in INGEST else "official"
    # Valid input (it reaches the services) and input that breaks the schema (it must stop at validation).
    cases = st.one_of(*(operation.as_strategy(mode, path_parameters=path_parameters)
                        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE)))

    @given(case=cases)
    @settings(max_examples=EXAMPLES, derandomize=True, database=None, deadline=None,
              suppress_health_check=list(HealthCheck), phases=[Phase.explicit, Phase.generate])
    def call(case):
        statuses.add(case.call_and_validate(headers=callers[caller], checks=[not_a_server_error]).status_code)

    statuses: set[int] = set()
    call()
    return statuses


def test_no_operation_answers_a_server_error(api_schema, callers, known_ids):
    # One test walks every operation (schemathesis's own lazy parametrisation does not run on this pytest),
    # and reports every failing operation at once.
    failures, operations, answered = [], 0, 0
    with _connection_kept_open():
        for result in api_schema.get_all_operations():
            operation = result.ok()
            operations += 1
            try:
                statuses = _fuzz(operation, callers, known_ids.get(operation.path))
                answered += any(200 <= status < 300 for status in statuses)
            except Exception as exc:  # noqa: BLE001 - collected and reported below, with the operation
                failures.append(f"{operation.method.upper()} {operation.path}: {str(exc)[:2000]}")
    assert operations > 50
    # The callers' credentials work: many operations answered some generated request with success (the rest
    # name objects that do not exist or need input the generator rarely hits, which still exercises validation).
    assert answered > operations // 3, f"only {answered} of {operations} operations ever answered 2xx"
    assert failures == [], "\n\n".join(failures)
