"""The pulled-device pages in a real browser, on a phone and a desktop: register a device through the form, see it
listed with its state; nothing wider than the screen, no CSP violation, the password never filled back in."""

import pytest

from surveillance.models import PullDevice
from tests.browser_support import csp_violations
from tests.surveillance.browser.test_alerts_browser import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


@pytest.mark.parametrize(("width", "height"), [(390, 844), (1366, 900)])
def test_operator_registers_a_pulled_device(live_server, page_factory, personas, site, width, height):
    page = page_factory(width=width, height=height)
    sign_in(page, live_server.url, personas.operator.username, "/cameras/pulled/")
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    page.get_by_role("link", name="Add a device").click()
    page.wait_for_url("**/cameras/pulled/new/")
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    page.fill("#id_name", "NVR bozor")
    page.select_option("#id_integration", str(site.integration.pk))
    page.select_option("#id_vendor", "dahua")
    page.fill("#id_device_id", "NVR-7")
    page.fill("#id_host", "http://10.20.1.64")  # refused, naming the field
    page.fill("#id_username", "admin")
    page.fill("#id_password", "Nvr-Secret-2026!")
    page.get_by_role("button", name="Register device").click()
    page.wait_for_selector(".field--error #id_host", timeout=10_000)
    assert page.input_value("#id_password") == ""  # never sent back, not even the one just typed
    page.fill("#id_host", "10.20.1.64")
    page.fill("#id_password", "Nvr-Secret-2026!")
    page.get_by_role("button", name="Register device").click()
    page.wait_for_url("**/cameras/pulled/", timeout=10_000)
    assert "NVR bozor" in page.text_content("main") and "not yet connected" in page.text_content("main")
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    assert PullDevice.objects.get().host == "10.20.1.64"
    assert csp_violations(page) == []
