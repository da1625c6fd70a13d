"""The admin site: the superuser flag, a lock and a password change are audited; OTP seeds are never shown."""

import pytest
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from audit.models import AuditEvent, FieldChange
from tests.audit.services.test_change_wiring import post_data

pytestmark = pytest.mark.django_db

Action = AuditEvent.Action


def test_admin_superuser_flag_and_lock_are_audited_with_before_and_after(client, personas):
    user = personas.district_official
    url = reverse("admin:accounts_user_change", args=[user.pk])
    client.force_login(personas.admin)
    data = post_data(client.get(url))

    response = client.post(url, {**data, "is_superuser": "on", "locked_at_0": "2026-12-01",
                                 "locked_at_1": "10:00:00"})

    assert response.status_code == 302, response.context["adminform"].form.errors
    event = AuditEvent.objects.get(object_id=str(user.pk), details__via="admin")
    assert event.action == Action.ACCOUNT_LOCKED and event.actor == personas.admin
    rows = {c.field: (c.old_value, c.new_value) for c in event.changes.all()}
    assert rows["is_superuser"] == (False, True)
    assert rows["locked_at"][0] is None and rows["locked_at"][1].startswith("2026-12-01")


def test_admin_password_change_is_audited_as_changed_only(client, personas):
    user = personas.inspector
    old_hash = user.password
    client.force_login(personas.admin)

    response = client.post(reverse("admin:auth_user_password_change", args=[user.pk]),
                           {"password1": "A-new-long-pass-2026", "password2": "A-new-long-pass-2026"})

    assert response.status_code == 302
    event = AuditEvent.objects.get(action=Action.PASSWORD_CHANGE, object_id=str(user.pk))
    assert event.actor == personas.admin and event.details["via"] == "admin"
    change = event.changes.get()
    assert change.field == "password" and change.personal
    assert (change.old_value, change.new_value, change.old_hash, change.new_hash) == (None, None, "", "")
    user.refresh_from_db()
    stored = str(list(FieldChange.objects.values_list())) + str(list(AuditEvent.objects.values_list()))
    assert old_hash not in stored and user.password not in stored


def test_admin_totp_device_pages_show_no_seed(client, personas):
    device = TOTPDevice.objects.create(user=personas.national, name="phone", confirmed=True)
    client.force_login(personas.admin)

    listing = client.get(reverse("admin:otp_totp_totpdevice_changelist"))
    page = client.get(reverse("admin:otp_totp_totpdevice_change", args=[device.pk]))
    qr = client.get(reverse("admin:otp_totp_totpdevice_config", args=[device.pk]))

    assert listing.status_code == 200 and page.status_code == 200
    assert device.key not in listing.content.decode() and device.key not in page.content.decode()
    assert qr.status_code in (403, 404)
