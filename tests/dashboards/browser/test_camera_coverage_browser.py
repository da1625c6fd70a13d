"""The camera coverage map in a real browser: the district's mahallas in their zone colour, the red one without
a working camera outlined dashed, the cameras as points coloured by health; on a phone nothing wider than it."""

import pytest

from tests.browser_support import csp_violations
from tests.dashboards.pages.test_camera_coverage import coverage  # noqa: F401 - fixture

from .test_map_legends import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


@pytest.mark.parametrize(("width", "height"), [(1366, 900), (390, 844)])
def test_coverage_map_colours_cameras_and_marks_the_uncovered_red_mahalla(live_server, page_factory, personas,
                                                                          territory, coverage, width,  # noqa: F811
                                                                          height):
    page = page_factory(width=width, height=height)
    sign_in(page, live_server.url, personas.district_official.username)
    page.goto(f"{live_server.url}/dashboards/districts/{territory.district_a1.pk}/cameras/")
    page.wait_for_selector("path.cov-camera", timeout=10_000)
    assert page.locator("path.cov-camera--down").count() == 1
    assert page.locator("path.cov-camera--ok").count() == 1
    assert page.locator("path.cov-camera--attention").count() == 1
    # Two red mahallas in the district, one of them without a working camera: dashed.
    assert page.locator("path.cov-area--red").count() == 2
    assert page.locator("path.cov-area--uncovered").count() == 1
    assert page.locator("path.cov-area--uncovered").get_attribute("stroke-dasharray") == "6 4"
    assert page.locator("[data-coverage-map]").get_attribute("data-cameras") == "3"
    assert page.locator(f'[data-uncovered] [data-mahalla="{territory.mahalla_a1a.pk}"]').count() == 1
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    assert csp_violations(page) == []
