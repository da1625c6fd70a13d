"""In real Chromium whose own language is English: an Uzbek or Russian page asks for days as dd.mm.yyyy (not the
browser's mm/dd/yyyy) and still sends ISO dates; scripts write numbers with the page's decimal mark."""

import pytest

from tests.browser_support import csp_violations
from tests.dashboards.browser.test_dashboard_browser import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


@pytest.mark.parametrize(("language", "hint"), [("uz", "kk.oo.yyyy"), ("ru", "дд.мм.гггг")])
def test_date_filter_in_language_is_typed_day_first_and_sent_as_iso(live_server, page_factory, personas, language,
                                                                   hint):
    # given a district official whose browser speaks English, on an Uzbek or Russian page
    page = page_factory(width=390, height=844, locale="en-US")
    sign_in(page, live_server.url, personas.district_official)
    page.context.add_cookies([{"name": "django_language", "value": language, "url": live_server.url}])
    page.goto(f"{live_server.url}/incidents/?occurred_from=2026-11-01")
    shown = page.locator("#id_occurred_to")

    # then the field asks for the page's pattern, and a given day is shown that way
    assert (shown.get_attribute("type"), shown.get_attribute("placeholder")) == ("text", hint)
    assert page.input_value("#id_occurred_from") == "01.11.2026"

    # when a day that does not exist is typed, the field says so; a real one goes out as ISO
    shown.fill("31.02.2026")
    assert page.evaluate("document.getElementById('id_occurred_to').validity.valid") is False
    shown.fill("15.11.2026")
    with page.expect_request(lambda r: "occurred_to=2026-11-15" in r.url):
        shown.press("Tab")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    assert not csp_violations(page)


@pytest.mark.parametrize(("language", "expected"), [("uz", "1\u202f234,57"), ("ru", "1\u202f234,57"),
                                                      ("en", "1\u202f234.57")])
def test_script_numbers_follow_the_page_language(live_server, page_factory, personas, language, expected):
    page = page_factory(locale="en-US")
    sign_in(page, live_server.url, personas.district_official)
    page.context.add_cookies([{"name": "django_language", "value": language, "url": live_server.url}])
    page.goto(f"{live_server.url}/incidents/")

    assert page.evaluate("MS.number(1234.567, 2)") == expected
    assert page.evaluate("MS.number(0.09, 2)") == ("0.09" if language == "en" else "0,09")


def test_typed_days_and_moments_are_read_day_first(live_server, page_factory, personas):
    page = page_factory(locale="en-US")
    sign_in(page, live_server.url, personas.district_official)
    page.goto(f"{live_server.url}/incidents/")

    assert page.evaluate("MS.isoDate('05.12.2026')") == "2026-12-05"
    assert page.evaluate("MS.isoDate('2026-12-05')") == "2026-12-05"
    assert page.evaluate("MS.isoDate('31.02.2026')") is None
    assert page.evaluate("MS.isoMoment('05.12.2026 9:15')") == "2026-12-05T09:15"
    assert page.evaluate("MS.isoMoment('05.12.2026 24:00')") is None
