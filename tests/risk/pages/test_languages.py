"""The risk pages come out in Uzbek and Russian (run `manage.py compilemessages` first)."""

import html

import pytest
from django.urls import reverse
from django.utils import translation

pytestmark = pytest.mark.django_db


def _page_text(client, language: str, url: str) -> str:
    client.post(reverse("set_language"), {"language": language})
    response = client.get(url)
    assert response.status_code == 200, url
    page = response.content.decode()
    assert f'<html lang="{language}">' in page
    return html.unescape(page)


def _assert_translated(text: str, language: str, *msgids: str) -> None:
    with translation.override(language):
        for msgid in msgids:
            shown = translation.gettext(msgid)
            assert shown != msgid, f"{msgid!r} has no {language} translation"
            assert shown in text, f"{shown!r} not on the page"


@pytest.mark.parametrize("language", ["uz", "ru"])
def test_ranking_in_language(client_for, personas, scored, hot, untrusted, language):
    text = _page_text(client_for("district_official"), language, reverse("risk:ranking"))
    _assert_translated(text, language, "Risk ranking", "Backtest", "Hot and cold spots", "Method",
                       "The risk model does not beat the count baseline in the backtest.", "Rank", "hot spot")


@pytest.mark.parametrize("language", ["uz", "ru"])
def test_visit_plans_in_language(client_for, personas, scored, trusted, language):
    text = _page_text(client_for("inspector"), language, reverse("risk:visit-plan"))
    _assert_translated(text, language, "Where to go this week", "you have not visited yet", "Mahallas to visit")
    text = _page_text(client_for("district_official"), language, reverse("risk:visit-plan"))
    _assert_translated(text, language, "Add roadmap measure", "no inspector", "no recent visit", "high risk")
