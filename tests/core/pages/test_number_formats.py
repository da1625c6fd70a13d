"""One way of writing numbers and dates: the page's language picks the decimal mark ("0,09" in uz and ru, "0.09"
in en), every language groups thousands with a narrow no-break space and writes days as dd.mm.yyyy, Tashkent time."""

import datetime
import html
import re

import pytest
from django.template import Context, Template
from django.urls import reverse
from django.utils import translation

from core import formats
from tests.dashboards.conftest import _local_cache, _no_doorbell, seeded  # noqa: F401 - shared fixtures

NNBSP = "\u202f"


@pytest.mark.parametrize(("language", "expected"), [
    ("uz", f"12{NNBSP}345,68"), ("ru", f"12{NNBSP}345,68"), ("en", f"12{NNBSP}345.68")])
def test_number_in_language_uses_its_decimal_mark_and_one_grouping(language, expected):
    with translation.override(language):
        assert formats.number(12345.678, 2) == expected
        assert formats.number(0.09, 2) == ("0.09" if language == "en" else "0,09")
        assert formats.percent(12.25, 1) == ("12.3%" if language == "en" else "12,3%")
        assert formats.signed(-1.5, 1) == ("−1.5" if language == "en" else "−1,5")
        assert formats.number(None) == "—"


@pytest.mark.parametrize("language", ["uz", "ru", "en"])
def test_moment_in_language_is_tashkent_time_day_first(language):
    moment = datetime.datetime(2026, 12, 6, 19, 30, 5, tzinfo=datetime.UTC)  # 7 December, 00:30 in Tashkent

    with translation.override(language):
        assert formats.moment(moment) == "07.12.2026 00:30"
        assert formats.moment(moment, seconds=True) == "07.12.2026 00:30:05"
        assert formats.day(moment) == "07.12.2026"
        assert formats.day(datetime.date(2026, 1, 2)) == "02.01.2026"


@pytest.mark.parametrize(("language", "expected"), [("ru", "0,09 · 1\u202f234 · 07.12.2026 00:30"),
                                                      ("en", "0.09 · 1\u202f234 · 07.12.2026 00:30")])
def test_template_filters_in_language(language, expected):
    template = Template('{% load ms_formats %}{{ rate|number:2 }} · {{ n|number }} · {{ at|moment }}')
    context = Context({"rate": 0.0912, "n": 1234,
                       "at": datetime.datetime(2026, 12, 6, 19, 30, tzinfo=datetime.UTC)})

    with translation.override(language):
        assert template.render(context) == expected


@pytest.mark.django_db
@pytest.mark.parametrize("language", ["uz", "ru", "en"])
def test_dashboard_tiles_in_language_write_decimals_one_way(client, personas, seeded, language):  # noqa: F811
    client.force_login(personas.national)
    client.cookies["django_language"] = language

    page = html.unescape(client.get(reverse("dashboards:home") + "?period=Q2-2025").content.decode())

    tiles = " ".join(re.findall(r'<li class="dash-tile.*?</li>', page, flags=re.S))
    text = re.sub(r"<[^>]+>", " ", tiles)
    # "per 1,000 residents" is the English wording of the unit, not a figure.
    # Figures only: a day written dd.mm.yyyy is not a decimal.
    decimals = re.findall(r"(?<![\d.])\d+([.,])\d+(?![.\d])",
                          text.replace(NNBSP, "").replace("1,000 residents", ""))
    assert decimals, "the tiles show no decimal at all"
    assert set(decimals) == ({"."} if language == "en" else {","}), decimals
