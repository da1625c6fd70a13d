import pytest

from accounts.models import Notification
from accounts.notifications import district_officials, notify


@pytest.mark.django_db
def test_notify_reaches_district_officials_and_shows_unread_count(client, personas, territory):
    # given
    sent = notify(users=district_officials(territory.district_a1.pk), kind="zone_red",
                  title="Bog'ishamol MFY turned red", url="/territories/mahallas/1/")
    assert sent == 1
    client.force_login(personas.district_official)
    # when
    page = client.get("/accounts/notifications/", HTTP_ACCEPT_LANGUAGE="en")
    # then
    assert page.status_code == 200
    assert "Bog&#x27;ishamol MFY turned red" in page.content.decode()
    assert page.context["unread_notifications"] == 1
    client.post("/accounts/notifications/")
    assert not Notification.objects.filter(user=personas.district_official, read_at__isnull=True).exists()


@pytest.mark.django_db
def test_nobody_reads_another_users_notifications(client, personas, territory):
    notify(users=[personas.district_official], kind="x", title="private to the district official")
    client.force_login(personas.outsider)
    page = client.get("/accounts/notifications/")
    assert "private to the district official" not in page.content.decode()
