"""The admin site speaks the reader's language: Django's own admin strings (its Uzbek catalogue lacks many) and
every registered model's name."""

import html
import re

import pytest
from django.contrib import admin
from django.urls import reverse
from django.utils import translation

pytestmark = pytest.mark.django_db


def _admin_text(client, personas, language, url):
    client.force_login(personas.admin)
    client.cookies["django_language"] = language
    response = client.get(url)
    assert response.status_code == 200
    page = response.content.decode()
    assert f'lang="{language}"' in page
    return html.unescape(page)


@pytest.mark.parametrize(("language", "title", "counts"), [
    ("uz", "O'zgartirish uchun tanlang: foydalanuvchi", "Sonlarni ko'rsatish"),
    ("ru", "Выберите пользователь для изменения", "Показать счётчики"),
])
def test_admin_user_list_title_in_language(client, personas, language, title, counts):
    text = _admin_text(client, personas, language, reverse("admin:accounts_user_changelist"))

    assert title in text
    assert counts in text
    assert "Select foydalanuvchi" not in text and "Show counts" not in text
    if language == "uz":  # Django's own Uzbek writes "foydalanuvchiqo'shish"
        assert "Qo'shish: foydalanuvchi" in text


@pytest.mark.parametrize("language", ["uz", "ru"])
def test_admin_index_names_every_model_in_language(client, personas, language):
    text = _admin_text(client, personas, language, reverse("admin:index"))

    assert "Site administration" not in text and "Django" not in text
    with translation.override(language):
        for model in admin.site._registry:
            plural = str(model._meta.verbose_name_plural)
            with translation.override("en"):
                english = str(model._meta.verbose_name_plural)
            assert plural != english or plural.isupper(), f"{model._meta.label}: {plural!r} untranslated"
            assert re.search(re.escape(plural.capitalize()), text, re.I), plural
