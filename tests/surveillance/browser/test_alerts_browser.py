"""The review queue in a real browser: sign in as an operator, the urgent alert on top, dismiss another with a
reason through HTMX (no page reload), the row leaves the "needs review" list, the poll does not bring it back."""

import pytest

from surveillance.models import Alert
from tests.browser_support import csp_violations
from tests.celery_support import wait_for
from tests.conftest import PASSWORD
from tests.surveillance.conftest import _celery_on_test_redis, _in_english, _isolated, site  # noqa: F401 - fixtures
from tests.surveillance.pages.conftest import queue  # noqa: F401 - fixture

# serialized_rollback: the flush after a transactional test would otherwise drop migration-seeded rows.
pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def sign_in(page, base_url, username, next_path):
    page.goto(f"{base_url}/accounts/login/?next={next_path}")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.click("form[action$=\"/accounts/login/\"] button[type=submit]")
    page.wait_for_url(f"**{next_path}", timeout=10_000)


def test_operator_dismisses_an_alert_from_the_queue_without_reload(live_server, page_factory, personas,
                                                                   queue):  # noqa: F811
    page = page_factory()
    polls = []
    page.on("request", lambda r: polls.append(r.url) if "/alerts/" in r.url and r.headers.get("hx-request") else None)
    sign_in(page, live_server.url, personas.operator.username, "/alerts/")

    # the urgent alert is on top, with its badge and a thumbnail from the access-checked view
    first = page.locator(".sv-alert").first
    assert first.get_attribute("id") == f"alert-{queue.urgent.pk}"
    assert "Urgent" in first.text_content()
    thumb = first.locator("img")
    assert f"/api/v1/surveillance/alerts/{queue.urgent.pk}/pictures/" in thumb.get_attribute("src")
    # Polled through the locator: wait_for_function evaluates its text in the page, which the CSP refuses.
    wait_for(lambda: thumb.evaluate("img => img.complete && img.naturalWidth") > 0, 10)
    page.wait_for_selector(".sv-map path.leaflet-interactive", timeout=10_000)

    # dismiss another alert with a reason, through HTMX: the page is not reloaded
    page.evaluate("window.__sameDocument = true")
    row = page.locator(f"#alert-{queue.plain.pk}")
    row.locator("summary").click()
    row.locator(f"#dismiss-reason-{queue.plain.pk}").fill("Shadow of a tree moving in the wind")
    row.locator("button[type=submit]").click()
    page.wait_for_selector(f"#alert-{queue.plain.pk}", state="detached", timeout=10_000)
    assert page.evaluate("window.__sameDocument === true")
    alert = Alert.objects.get(pk=queue.plain.pk)
    assert alert.status == Alert.Status.DISMISSED and alert.dismiss_reason == "Shadow of a tree moving in the wind"

    # the 10-second poll keeps the filters: the dismissed alert does not come back, the urgent one stays on top
    page.wait_for_timeout(11_000)
    assert any("seen=" in url for url in polls)
    assert page.locator(f"#alert-{queue.plain.pk}").count() == 0
    assert page.locator(".sv-alert").first.get_attribute("id") == f"alert-{queue.urgent.pk}"
    assert page.evaluate("window.__sameDocument === true")
    assert csp_violations(page) == []


def test_queue_and_alert_page_fit_a_phone(live_server, page_factory, personas, queue):  # noqa: F811
    page = page_factory(width=390, height=844)
    sign_in(page, live_server.url, personas.operator.username, "/alerts/")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.locator(f"#alert-{queue.urgent.pk} .sv-alert__title a").click()
    page.wait_for_url(f"**/alerts/{queue.urgent.pk}/")
    page.wait_for_selector(".sv-map path.leaflet-interactive", timeout=10_000)
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    assert csp_violations(page) == []
