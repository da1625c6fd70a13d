"""An integration speaks only for its own district's cameras: another district's token matches none of them,
cannot mark them online, and cannot pre-empt their events as duplicates (every natural key is per integration).
An integration of no district that is not national is refused; the migration assigns what it can."""

import importlib

import pytest
from django.apps import apps
from django.db import connection
from rest_framework.test import APIClient

from audit.models import FieldChange
from surveillance.models import Alert, Camera, Integration
from surveillance.services.cameras import camera_create
from surveillance.services.integrations import integration_create

from ..conftest import ALERTS, FRIGATE, HIKVISION, payload, post_raw, process_all, raw_count

pytestmark = pytest.mark.django_db

UNMATCHED_DEVICES = "/api/v1/surveillance/unmatched-devices/"


def client_with(token: str) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {token}")
    return client


def logged_in(user) -> APIClient:
    client = APIClient()
    client.force_login(user)
    return client


@pytest.fixture
def foreign(site, territory):
    """A leaked token of district B1's NVR."""
    _integration, token = integration_create(name="nvr-b1", district=territory.district_b1)
    return client_with(token)


@pytest.mark.parametrize(("path", "body", "content_type"), [
    (HIKVISION, "hikvision_vmd.xml", "application/xml"),
    (FRIGATE, "frigate_end.json", "application/json"),
    (ALERTS, "generic_single.json", "application/json"),
])
def test_other_districts_token_matches_no_camera_and_lands_in_its_own_list(foreign, site, territory, personas,
                                                                           path, body, content_type):
    # given a camera of A1 that the payload names; when B1's token posts it
    assert post_raw(foreign, path, payload(body), content_type).status_code == 202
    process_all()

    # then it is unknown, in B1's list, never in A1's queue
    alert = Alert.objects.get()
    assert alert.camera is None and alert.route_reason == Alert.Reason.UNMATCHED
    assert alert.district_id == territory.district_b1.pk
    operator_a1 = logged_in(personas.operator)
    assert operator_a1.get(ALERTS, {"unmatched": "true"}).json()["results"] == []
    assert operator_a1.get(ALERTS).json()["results"] == []
    assert operator_a1.get(UNMATCHED_DEVICES).json()["results"] == []
    official_b1 = logged_in(personas.outsider)
    assert [row["id"] for row in official_b1.get(ALERTS, {"unmatched": "true"}).json()["results"]] == [alert.pk]


def test_own_token_still_matches(integration_client, site):
    post_raw(integration_client(), HIKVISION, payload("hikvision_vmd.xml"), "application/xml")
    process_all()
    assert Alert.objects.get().camera == site.street


def test_other_districts_camera_is_not_matched_even_in_the_same_batch(integration_client, foreign, site):
    post_raw(integration_client(), ALERTS, payload("generic_single.json"), "application/json")
    post_raw(foreign, ALERTS, payload("generic_single.json"), "application/json")
    process_all()  # both raw events are processed in one batch
    matched = {a.integration.name: a.camera_id for a in Alert.objects.select_related("integration")}
    assert matched == {"nvr-a1": site.generic.pk, "nvr-b1": None}


def test_other_districts_heartbeat_does_not_mark_the_camera_online(foreign, integration_client, site):
    response = post_raw(foreign, HIKVISION, payload("hikvision_heartbeat.xml"), "application/xml")
    assert response.status_code == 202 and response.json()["heartbeats"] == 1
    assert Camera.objects.get(pk=site.street.pk).status == Camera.Status.OFFLINE

    post_raw(integration_client(), HIKVISION, payload("hikvision_heartbeat.xml"), "application/xml")
    assert Camera.objects.get(pk=site.street.pk).status == Camera.Status.ONLINE


def test_other_districts_alert_does_not_mark_the_camera_online(foreign, site):
    post_raw(foreign, HIKVISION, payload("hikvision_vmd.xml"), "application/xml")
    process_all()
    assert Camera.objects.get(pk=site.street.pk).last_seen_at is None


@pytest.mark.parametrize(("path", "body", "content_type"), [
    (HIKVISION, "hikvision_vmd.xml", "application/xml"),
    (FRIGATE, "frigate_new.json", "application/json"),
    (ALERTS, "generic_single.json", "application/json"),
])
def test_same_vendor_event_from_two_integrations_is_two_alerts(foreign, integration_client, site, path, body,
                                                               content_type):
    # given B1's token sends A1's next event first
    first = post_raw(foreign, path, payload(body), content_type)
    # when A1's own NVR sends the real one
    real = post_raw(integration_client(), path, payload(body), content_type)
    process_all()

    # then the real one is no "duplicate": it is stored, matched and routed in A1
    assert first.json()["accepted"] == 1
    assert real.json() == {"accepted": 1, "duplicates": 0, "heartbeats": 0}
    assert raw_count() == 2 and Alert.objects.count() == 2
    own = Alert.objects.get(integration=site.integration)
    assert own.camera is not None and own.district_id == site.integration.district_id
    assert own.natural_key.startswith(f"{site.integration.pk}:")


def test_national_integration_matches_any_district(site, territory):
    _national, token = integration_create(name="vms-national", national=True)
    post_raw(client_with(token), HIKVISION, payload("hikvision_vmd.xml"), "application/xml")
    process_all()
    assert Alert.objects.get().camera == site.street


def test_unassigned_integration_is_refused_naming_it(site):
    Integration.objects.filter(pk=site.integration.pk).update(district=None)
    response = post_raw(client_with(site.token), HIKVISION, payload("hikvision_vmd.xml"), "application/xml")
    assert response.status_code == 403 and "nvr-a1" in response.json()["detail"]
    assert "integration_assign" in response.json()["detail"] and raw_count() == 0


def test_create_needs_a_district_or_national_not_both(territory):
    from surveillance.errors import SurveillanceError

    with pytest.raises(SurveillanceError) as missing:
        integration_create(name="nowhere")
    with pytest.raises(SurveillanceError) as both:
        integration_create(name="both", district=territory.district_a1, national=True)
    assert missing.value.field == both.value.field == "district" and not Integration.objects.exists()


def test_assign_reaches_a_process_that_knows_the_token(site, territory):
    from surveillance.services.integrations import integration_assign

    client = client_with(site.token)
    Integration.objects.filter(pk=site.integration.pk).update(district=None)
    assert post_raw(client, HIKVISION, payload("hikvision_vmd.xml"), "application/xml").status_code == 403
    integration_assign(integration=Integration.objects.get(pk=site.integration.pk),
                       district=territory.district_b1)
    assert post_raw(client, HIKVISION, payload("hikvision_vmd.xml"), "application/xml").status_code == 202
    process_all()
    assert Alert.objects.get().camera is None  # now B1's: A1's camera is not its own
    change = FieldChange.objects.get(object_type="surveillance.integration", field="district")
    assert (change.old_value, change.new_value) == (None, territory.district_b1.pk)


# --- the migration -------------------------------------------------------------------------------------

migration = importlib.import_module("surveillance.migrations.0003_integration_district")


def _legacy(name: str) -> Integration:
    return Integration.objects.create(name=name, token_prefix=name[:16], token_hash="0" * 64)


def _reported(integration: Integration, camera: Camera, key: str) -> Alert:
    return Alert.objects.create(vendor="hikvision", natural_key=key, integration=integration, camera=camera,
                                device_id=camera.device_id, event_type="vmd", started_at="2026-03-14T21:05:11Z")


def test_migration_assigns_the_one_district_of_its_cameras_and_leaves_the_rest(site, personas, territory):
    camera_b1 = camera_create(by=personas.outsider, vendor="hikvision", device_id="aa:bb:cc:00:00:01",
                              name="Janubiy 1", location=(67.0, 39.0))
    one, several = _legacy("one-district"), _legacy("two-districts")
    _legacy("never-reported")
    _reported(one, site.street, "k1")
    _reported(one, site.entrance, "k2")
    _reported(several, site.street, "k3")
    _reported(several, camera_b1, "k4")

    migration.assign_districts(apps, None)

    districts = dict(Integration.objects.values_list("name", "district_id"))
    assert districts["one-district"] == territory.district_a1.pk
    assert districts["two-districts"] is None and districts["never-reported"] is None
    assert set(Integration.objects.unassigned().values_list("name", flat=True)) == {"two-districts",
                                                                                    "never-reported"}


def test_migration_puts_the_integration_into_old_keys(site):
    hikvision = _reported(site.integration, site.street, "44:19:b6:0a:1b:2c|1|VMD|2026-03-14T21:05:11+05:00|1")
    generic = Alert.objects.create(vendor="generic", natural_key=f"{site.integration.pk}:srv7", device_id="x",
                                   event_type="fight", started_at="2026-03-14T21:05:11Z",
                                   integration=site.integration)

    with connection.schema_editor() as editor:
        migration.scope_keys(apps, editor)
    hikvision.refresh_from_db()
    generic.refresh_from_db()
    assert hikvision.natural_key == f"{site.integration.pk}:44:19:b6:0a:1b:2c|1|VMD|2026-03-14T21:05:11+05:00|1"
    assert generic.natural_key == f"{site.integration.pk}:srv7"  # generic keys always had it

    with connection.schema_editor() as editor:
        migration.unscope_keys(apps, editor)
    hikvision.refresh_from_db()
    assert hikvision.natural_key == "44:19:b6:0a:1b:2c|1|VMD|2026-03-14T21:05:11+05:00|1"
