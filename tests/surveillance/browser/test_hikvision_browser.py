"""What an NVR sends, on a phone: the alert page of an unregistered NVR (a long serial number, two channel
numbers), an ANPR alert with its plate, and the list of devices to register, each within 390 pixels."""

import pytest

from surveillance.models import Alert
from surveillance.services import camera_create, raw_events_store
from tests.browser_support import csp_violations
from tests.surveillance.conftest import (  # noqa: F401 - fixtures
    PAYLOADS,
    _celery_on_test_redis,
    _in_english,
    _isolated,
    process_all,
    site,
)

from .test_alerts_browser import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

SAMPLES = PAYLOADS / "hikvision"


def test_nvr_and_anpr_alerts_fit_a_phone(live_server, page_factory, personas, site):  # noqa: F811
    camera_create(by=personas.operator, vendor="hikvision", device_id="bc:5e:33:62:2a:5c", name="Avtobaza",
                  location=(63.65, 41.0))
    for name in ("issue17_ds7608nxi_linedetection.xml", "hikvision_next__ipc1_anpr_plate_detected.xml"):
        raw_events_store(vendor="hikvision", body=(SAMPLES / name).read_bytes(), content_type="application/xml",
                         integration=site.integration)
    process_all()
    nvr, anpr = Alert.objects.get(source_channel=34), Alert.objects.get(event_type="anpr")
    page = page_factory(width=390, height=844)
    sign_in(page, live_server.url, personas.operator.username, f"/alerts/{nvr.pk}/")

    assert page.locator("text=(device channel 34)").count() == 1
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.goto(f"{live_server.url}/alerts/{anpr.pk}/")
    assert page.locator("[data-plate]").inner_text() == "KH35192"
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.goto(f"{live_server.url}/alerts/unknown-cameras/")
    assert page.locator("text=(device channel 34)").count() == 1
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    assert csp_violations(page) == []
