"""Words with two senses carry a context: "Report" is a document title (Отчёт) on the report page and a verb
(Отчитаться) on a roadmap measure's button; "Review", "Approved" and "sessions" likewise."""

import html
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import translation

from tests.dashboards.conftest import _local_cache, _no_doorbell, seeded  # noqa: F401 - shared fixtures

TEMPLATES = Path(settings.BASE_DIR) / "templates"


@pytest.mark.parametrize(("context", "msgid", "ru", "uz"), [
    ("document", "Report", "Отчёт", "Hisobot"),
    ("report progress on a measure", "Report", "Отчитаться", "Hisobot berish"),
    ("heading", "Review", "Рассмотрение", "Ko'rib chiqish"),
    ("button", "Review", "Рассмотреть", "Ko'rib chiqish"),
    ("change request", "Approved", "Утверждено", "Tasdiqlangan"),
    ("KPI unit", "sessions", "занятий", "ta"),
])
def test_ambiguous_word_in_context_has_its_own_translation(context, msgid, ru, uz):
    with translation.override("ru"):
        assert translation.pgettext(context, msgid) == ru
    with translation.override("uz"):
        assert translation.pgettext(context, msgid) == uz


def test_model_plural_sessions_is_not_the_kpi_unit():
    with translation.override("ru"):
        assert translation.gettext("sessions") == "сессии"


@pytest.mark.parametrize(("template", "needle"), [
    ("dashboards/report.html", '{% translate "Report" context "document" %}'),
    ("roadmaps/_item_row.html", '{% translate "Report" context "report progress on a measure" %}'),
])
def test_templates_say_which_report_they_mean(template, needle):
    source = (TEMPLATES / template).read_text()

    assert needle in source
    assert not re.search(r'translate "Report" %\}', source)


@pytest.mark.django_db
def test_report_page_in_russian_is_titled_otchyot(client, personas, territory, seeded):  # noqa: F811
    client.force_login(personas.district_official)
    client.cookies["django_language"] = "ru"

    page = html.unescape(client.get(reverse("dashboards:report"), {"district": territory.district_a1.pk,
                                                                    "period": "Q2-2025"}).content.decode())

    title = re.search(r"<title>(.*?)</title>", page, re.S).group(1)
    assert title.startswith("Отчёт ·")
    assert "Отчитаться" not in title
