"""Fixed personas on a small fixed territory, shared by every test.

Territory (squares, lon/lat):
    region "north" (A) -> districts A1, A2 -> mahallas A1a, A1b (in A1), A2a (in A2)
    region "south" (B) -> district B1 -> mahalla B1a
Personas: national analyst, region officer (A), crime registrar (A), district official (A1), inspector and social worker
assigned to A1a, operator (A1), administrator, and an outsider: a district official of B1.
Both are written once per test process, beneath the tests that ask for them (tests/shared_rows.py).
"""

import os
from dataclasses import dataclass

import pytest

# Playwright's sync API keeps an asyncio loop running in the test thread, which Django mistakes for
# async code; the ORM calls in browser tests are ordinary synchronous test code.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

from accounts.models import Assignment, Role, User
from mahallas.models import District, Mahalla, Region

from .factories import AssignmentFactory, DistrictFactory, MahallaFactory, RegionFactory, UserFactory, square
from .shared_rows import SHARED

PASSWORD = "Xk7#persona-pass"


@pytest.fixture(autouse=True)
def _real_workers_run_alone(request):
    """A test with a real Celery worker flushes its Redis database and shares it with the worker it starts: two of
    them at once (pytest-xdist) would empty each other's queues. `make test` runs them one at a time."""
    if os.environ.get("PYTEST_XDIST_WORKER") and request.node.get_closest_marker("worker"):
        pytest.fail("tests marked `worker` run without pytest-xdist (-n): `make test`", pytrace=False)


@pytest.fixture(autouse=True)
def _own_signin_throttle(monkeypatch):
    """Failed sign-ins are counted in the shared Redis: each test starts with its own empty counts."""
    import uuid

    monkeypatch.setattr("accounts.signin_throttle.KEY_PREFIX", f"signin-fail-test-{uuid.uuid4().hex}")


@pytest.fixture(autouse=True)
def _force_login_includes_second_factor(monkeypatch):
    """`client.force_login(user)` means "fully signed in": for two-factor roles that includes the second
    factor. Tests of the sign-in flow itself go through the login and 2FA pages instead."""
    from django.test import Client
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    original = Client.force_login

    def force_login(self, user, backend=None):
        original(self, user, backend)
        if getattr(user, "requires_two_factor", False):
            device = TOTPDevice.objects.filter(user=user, confirmed=True).first() or \
                TOTPDevice.objects.create(user=user, name="test", confirmed=True)
            session = self.session
            session[DEVICE_ID_SESSION_KEY] = device.persistent_id
            session.save()

    monkeypatch.setattr(Client, "force_login", force_login)


@pytest.fixture(autouse=True)
def _own_cache_keys(request):
    """A test on shared rows (tests/shared_rows.py) sees the same ids and timestamps as the test before it, so
    cache keys built from them would hand it the earlier test's answers: it gets cache keys of its own."""
    if not SHARED.under(request):
        yield
        return
    import uuid

    from django.core.cache import caches

    cache = caches["default"]
    original = cache.key_prefix
    cache.key_prefix = f"{original}-{uuid.uuid4().hex[:12]}"
    yield
    cache.key_prefix = original


@pytest.fixture(autouse=True)
def _broker_breaker_closed():
    """A test that made the broker fail must not make the next one skip its enqueues (core.enqueue)."""
    from core import enqueue

    enqueue.broker.reset()
    yield
    enqueue.broker.reset()


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """A reused test database (`make test-fast`) was left by the last run, whose transactional tests end with a
    flush of every table: put back the rows the data migrations seed."""
    from tests.incidents.factories import ensure_incident_categories

    with django_db_blocker.unblock():
        ensure_incident_categories()


@pytest.hookimpl(wrapper=True)
def pytest_fixture_setup(fixturedef, request):
    """Before pytest-django opens a test's transaction, the shared rows beneath it are made to fit the test."""
    if fixturedef.argname == "_django_db_helper":
        request.getfixturevalue("_shared_rows_rolled_back_at_the_end")
        SHARED.settle(request)
    return (yield)


@pytest.fixture(scope="session")
def _shared_rows_rolled_back_at_the_end(django_db_setup, django_db_blocker):
    yield
    SHARED.close(django_db_blocker)


@pytest.fixture(scope="session", autouse=True)
def _audit_truncate_allowed_between_tests():
    """Transactional tests end with a TRUNCATE of every table; the audit trigger refuses it unless the
    session opts in (see audit/migrations). Only the test connections opt in."""
    from django.db.backends.signals import connection_created

    def allow(sender, connection, **kwargs):
        with connection.cursor() as cursor:
            cursor.execute("SET audit.allow_truncate = 'on'")

    connection_created.connect(allow, weak=False, dispatch_uid="tests.audit_allow_truncate")


@pytest.fixture(scope="session", autouse=True)
def _test_settings():
    """Settings every test runs with, set once for the session (a test's own `settings` changes apply on top):

    - the plain static storage: the manifest storage needs collectstatic first, and tests render templates
      without it;
    - WhiteNoise looking files up when asked: each test client builds its own middleware, and WhiteNoise would
      otherwise index every collected static file (about 1,500 after collectstatic) each time, ~65 ms a client;
    - MD5 password hashing: PBKDF2's deliberate slowness would cost ~0.5 s per persona; production keeps the
      default hashers."""
    from django.conf import settings
    from django.test.utils import override_settings

    with override_settings(
            STORAGES={**settings.STORAGES,
                      "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}},
            WHITENOISE_AUTOREFRESH=True,
            PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"]):
        yield


@pytest.fixture
def in_english(settings):
    """For tests that read messages as English text: the platform's default language is Uzbek, and with
    complete catalogues an untranslated English fallback no longer shows through."""
    from django.utils import translation

    settings.LANGUAGE_CODE = "en"
    with translation.override("en"):
        yield


@dataclass
class Territory:
    region_a: object
    region_b: object
    district_a1: object
    district_a2: object
    district_b1: object
    mahalla_a1a: object
    mahalla_a1b: object
    mahalla_a2a: object
    mahalla_b1a: object


@SHARED.layer("territory")
def build_territory() -> Territory:
    # One INSERT per table (bulk_create) rather than a get-or-create per row.
    region_a = RegionFactory.build(code="1700001", name_uz="Shimol viloyati", name_en="North Region",
                                   boundary=square(64.0, 41.0, 1.0))
    region_b = RegionFactory.build(code="1700002", name_uz="Janub viloyati", name_en="South Region",
                                   boundary=square(67.0, 39.0, 1.0))
    Region.objects.bulk_create([region_a, region_b])
    a1 = DistrictFactory.build(region=region_a, code="1700101", name_uz="Birinchi tumani",
                               boundary=square(63.7, 41.0, 0.3))
    a2 = DistrictFactory.build(region=region_a, code="1700102", name_uz="Ikkinchi tumani",
                               boundary=square(64.3, 41.0, 0.3))
    b1 = DistrictFactory.build(region=region_b, code="1700201", name_uz="Janubiy tumani",
                               boundary=square(67.0, 39.0, 0.3))
    District.objects.bulk_create([a1, a2, b1])
    mahallas = [
        MahallaFactory.build(district=a1, code="17010001", name_uz="Bog'ishamol MFY",
                             boundary=square(63.65, 41.0, 0.04)),
        MahallaFactory.build(district=a1, code="17010002", name_uz="Navro'z MFY", boundary=square(63.75, 41.0, 0.04)),
        MahallaFactory.build(district=a2, code="17010003", name_uz="Tinchlik MFY", boundary=square(64.3, 41.0, 0.04)),
        MahallaFactory.build(district=b1, code="17020001", name_uz="Yangiobod MFY", boundary=square(67.0, 39.0, 0.04)),
    ]
    Mahalla.objects.bulk_create(mahallas)
    return Territory(region_a, region_b, a1, a2, b1, *mahallas)


@pytest.fixture
def territory(db, request) -> Territory:
    """The fixed territory, written once per test process (tests/shared_rows.py)."""
    return SHARED.get(request, "territory")


@dataclass
class Personas:
    national: object
    region_officer: object
    registrar: object
    district_official: object
    inspector: object
    social_worker: object
    operator: object
    admin: object
    outsider: object
    nobody: object


@SHARED.layer("personas", on=("territory",))
def build_personas(territory: Territory) -> Personas:
    users = {
        "national": UserFactory.build(username="national", role=Role.NATIONAL),
        "region_officer": UserFactory.build(username="region", role=Role.REGIONAL, region=territory.region_a),
        "registrar": UserFactory.build(username="registrar", role=Role.REGISTRAR, region=territory.region_a),
        "district_official": UserFactory.build(username="district", role=Role.DISTRICT,
                                               district=territory.district_a1),
        "inspector": UserFactory.build(username="inspector", role=Role.INSPECTOR),
        "social_worker": UserFactory.build(username="social", role=Role.SOCIAL_WORKER),
        "operator": UserFactory.build(username="operator", role=Role.OPERATOR, district=territory.district_a1),
        "admin": UserFactory.build(username="admin", role=Role.ADMIN, is_staff=True, is_superuser=True),
        "outsider": UserFactory.build(username="outsider", role=Role.DISTRICT, district=territory.district_b1),
        "nobody": UserFactory.build(username="nobody", role=""),
    }
    User.objects.bulk_create(users.values())
    Assignment.objects.bulk_create([
        AssignmentFactory.build(user=users["inspector"], mahalla=territory.mahalla_a1a),
        AssignmentFactory.build(user=users["social_worker"], mahalla=territory.mahalla_a1a),
    ])
    return Personas(**users)


@pytest.fixture
def personas(territory, request) -> Personas:
    """The personas, written once per test process with the territory (tests/shared_rows.py)."""
    return SHARED.get(request, "personas")


@pytest.fixture
def client_for(request):
    """A new test client per call, for pages and the API alike (DRF's APIClient is Django's Client plus `format=`):

    client_for(user) or client_for("inspector") (a persona's name): signed in with a session, second factor
    included; client_for(None) or client_for("anonymous"): no one; client_for(token=...): the API with that bearer
    token (an integration's or a user's), no session."""
    from rest_framework.test import APIClient

    def make(user=None, *, token: str | None = None, **defaults) -> APIClient:
        client = APIClient(**defaults)
        if isinstance(user, str):
            user = None if user == "anonymous" else getattr(request.getfixturevalue("personas"), user)
        if user is not None:
            client.force_login(user)
        if token is not None:
            client.credentials(HTTP_AUTHORIZATION=f"Bearer {token}")
        return client

    return make


@pytest.fixture(scope="session")
def chromium():
    from playwright.sync_api import sync_playwright

    from .browser_support import CHROMIUM, CHROMIUM_ARGS

    if not os.path.exists(CHROMIUM):
        pytest.fail(f"Chromium not found at {CHROMIUM}: `make test` installs it (apt package chromium)")
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page_factory(chromium):
    """New isolated browser contexts; each page collects its console messages (see csp_violations)."""
    contexts = []

    def make(*, width=1366, height=850, locale="en-US"):
        context = chromium.new_context(viewport={"width": width, "height": height}, locale=locale)
        contexts.append(context)
        page = context.new_page()
        page.console_messages = []
        page.on("console", lambda msg: page.console_messages.append(msg.text))
        return page

    yield make
    for context in contexts:
        context.close()
