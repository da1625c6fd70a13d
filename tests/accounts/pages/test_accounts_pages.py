"""Sign-in, sign-out, password change, language switch, the start page per role, and the admin gate."""

import pytest
from django.urls import reverse

from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db


def test_login_page_shows_product_and_language_switch_before_sign_in(client):
    response = client.get(reverse("accounts:login"))

    assert response.status_code == 200
    html = response.content.decode()
    assert 'action="/i18n/setlang/"' in html
    assert html.count('name="language"') == 3
    assert "<script>" not in html and "onclick" not in html


def test_login_with_right_password_lands_on_the_home_page(client, personas):
    # given
    user = personas.district_official

    # when
    response = client.post(reverse("accounts:login"), {"username": user.username, "password": PASSWORD},
                           follow=True)

    # then
    assert response.redirect_chain == [(reverse("home"), 302)]
    assert "territories/home.html" in [t.name for t in response.templates]
    assert response.context["user"] == user


def test_login_with_wrong_password_shows_error_and_stays_signed_out(client, personas):
    response = client.post(reverse("accounts:login"),
                           {"username": personas.district_official.username, "password": "wrong-password"})

    assert response.status_code == 200
    assert response.context["form"].non_field_errors()
    assert not response.context["user"].is_authenticated


def test_login_page_when_signed_in_redirects_home(client, personas):
    client.force_login(personas.district_official)

    assert client.get(reverse("accounts:login")).url == reverse("home")


def test_logout_by_get_is_refused(client, personas):
    client.force_login(personas.district_official)

    assert client.get(reverse("accounts:logout")).status_code == 405
    assert client.get(reverse("home")).status_code == 200  # still signed in
    assert "_auth_user_id" in client.session


def test_logout_by_post_ends_the_session(client, personas):
    client.force_login(personas.district_official)

    response = client.post(reverse("accounts:logout"))

    assert response.status_code == 302
    assert response.url == reverse("accounts:login")
    assert "_auth_user_id" not in client.session
    follow = client.get(reverse("territories:home"))
    assert follow.status_code == 302 and follow.url.startswith(reverse("accounts:login"))


def test_password_change_flow(client, personas):
    user = personas.district_official
    client.force_login(user)
    new = "Yangi-parol-2026!"

    form = client.get(reverse("accounts:password_change"))
    response = client.post(reverse("accounts:password_change"),
                           {"old_password": PASSWORD, "new_password1": new, "new_password2": new})

    assert form.status_code == 200
    assert response.url == reverse("accounts:password_change_done")
    assert client.get(response.url).status_code == 200
    user.refresh_from_db()
    assert user.check_password(new)


def test_password_change_with_wrong_old_password_is_refused(client, personas):
    user = personas.district_official
    client.force_login(user)

    response = client.post(reverse("accounts:password_change"),
                           {"old_password": "nope", "new_password1": "Yangi-parol-2026!",
                            "new_password2": "Yangi-parol-2026!"})

    assert response.status_code == 200
    assert "old_password" in response.context["form"].errors
    user.refresh_from_db()
    assert user.check_password(PASSWORD)


def test_password_change_when_signed_out_redirects_to_login(client):
    response = client.get(reverse("accounts:password_change"))

    assert response.url.startswith(reverse("accounts:login"))


@pytest.mark.parametrize(("language", "marker"), [("ru", "Войти"), ("en", "Sign in"), ("uz", "Kirish")])
def test_language_switch_changes_the_page_language(client, language, marker):
    # when
    response = client.post(reverse("set_language"), {"language": language, "next": reverse("accounts:login")},
                           follow=True)

    # then
    html = response.content.decode()
    assert f'<html lang="{language}">' in html
    assert marker in html


def test_default_language_is_uzbek(client):
    html = client.get(reverse("accounts:login")).content.decode()

    assert '<html lang="uz">' in html


# --- The start page per role ------------------------------------------------------------------------


@pytest.mark.parametrize("persona", ["national", "region_officer", "registrar", "district_official", "operator",
                                     "inspector", "social_worker"])
def test_home_shows_each_role_its_panels(client, personas, territory, persona):
    client.force_login(getattr(personas, persona))

    response = client.get(reverse("home"))

    assert response.status_code == 200
    assert "territories/home.html" in [t.name for t in response.templates]


def test_home_sends_a_role_without_panels_to_its_territory_page(client, personas):
    client.force_login(personas.admin)

    response = client.get(reverse("home"))

    assert response.status_code == 302
    assert response.url == reverse("territories:home")


def test_home_for_user_without_role_explains_instead_of_redirecting(client, personas):
    client.force_login(personas.nobody)

    response = client.get(reverse("home"))

    assert response.status_code == 403
    assert "accounts/no_scope.html" in [t.name for t in response.templates]


def test_home_when_signed_out_redirects_to_login(client):
    assert client.get(reverse("home")).url.startswith(reverse("accounts:login"))


def test_navigation_shows_name_role_and_logout_form(client, personas):
    client.force_login(personas.inspector)

    html = client.get(reverse("territories:mine")).content.decode()

    assert personas.inspector.get_full_name() in html
    assert personas.inspector.role_label in html
    assert f'action="{reverse("accounts:logout")}"' in html
    assert f'href="{reverse("territories:mine")}"' in html


# --- The admin site: administrators only -------------------------------------------------------------


@pytest.mark.parametrize("persona", ["national", "district_official", "region_officer", "inspector"])
def test_admin_as_non_administrator_is_refused(client, personas, persona):
    user = getattr(personas, persona)
    user.is_staff = True  # even flagged as staff by mistake
    user.save()
    client.force_login(user)

    response = client.get(reverse("admin:index"))

    assert response.status_code == 302
    assert response.url.startswith(reverse("admin:login"))
    assert client.get(reverse("admin:accounts_user_changelist")).status_code == 302


def test_admin_as_administrator_is_allowed(client, personas, territory):
    client.force_login(personas.admin)

    assert client.get(reverse("admin:index")).status_code == 200
    assert client.get(reverse("admin:accounts_user_changelist")).status_code == 200
    assert client.get(reverse("admin:accounts_assignment_changelist")).status_code == 200
    assert client.get(reverse("admin:mahallas_mahalla_changelist")).status_code == 200
    change = reverse("admin:mahallas_mahalla_change", args=[territory.mahalla_a1a.pk])
    assert client.get(change).status_code == 200


def test_admin_link_in_navigation_only_for_administrators(client, personas):
    client.force_login(personas.admin)
    admin_html = client.get(reverse("territories:home")).content.decode()
    client.force_login(personas.national)
    national_html = client.get(reverse("territories:home")).content.decode()

    assert reverse("admin:index") in admin_html
    assert reverse("admin:index") not in national_html


def test_login_of_locked_out_username_says_so_even_with_right_password(client, personas, settings):
    settings.LOCKOUT_THRESHOLD = 2
    user = personas.district_official
    for _ in range(2):
        client.post(reverse("accounts:login"), {"username": user.username, "password": "wrong-password"})

    response = client.post(reverse("accounts:login"), {"username": user.username, "password": PASSWORD})

    assert response.status_code == 200
    assert [e.code for e in response.context["form"].non_field_errors().as_data()] == ["locked"]
    assert "_auth_user_id" not in client.session
