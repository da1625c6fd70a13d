"""Integration management commands: the token is printed once, on the last line, and works."""

import io

import pytest
from django.core.management import CommandError, call_command
from rest_framework.test import APIClient

from surveillance.models import Integration

from ..conftest import HIKVISION, payload, post_raw

pytestmark = pytest.mark.django_db


def run(*args) -> list[str]:
    out = io.StringIO()
    call_command(*args, stdout=out)
    return out.getvalue().strip().splitlines()


def post_with(token: str):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {token}")
    return post_raw(client, HIKVISION, payload("hikvision_heartbeat.xml"), "application/xml")


def test_create_rotate_revoke(territory):
    token = run("integration_create", "--name", "nvr-7", "--district", "1700101", "--allow-ip", "127.0.0.1/32",
                "--allow-ip", "10.0.0.0/8")[-1]
    integration = Integration.objects.get(name="nvr-7")
    assert integration.district == territory.district_a1
    assert integration.allowed_networks == ["127.0.0.1/32", "10.0.0.0/8"]
    assert token not in integration.token_hash and integration.token_prefix == token.split(".")[0]
    assert post_with(token).status_code == 202

    new_token = run("integration_rotate", "--name", "nvr-7")[-1]
    assert post_with(token).status_code == 401 and post_with(new_token).status_code == 202

    run("integration_revoke", "--name", "nvr-7")
    assert post_with(new_token).status_code == 401


def test_create_refuses_a_bad_network_and_a_taken_name(territory):
    with pytest.raises(CommandError, match="Not an IP network"):
        run("integration_create", "--name", "x", "--national", "--allow-ip", "10.0.0.300/8")
    run("integration_create", "--name", "x", "--national")
    with pytest.raises(CommandError, match="exists"):
        run("integration_create", "--name", "x", "--district", "1700101")
    with pytest.raises(CommandError, match="No district"):
        run("integration_create", "--name", "y", "--district", "999")


def test_create_without_district_or_national_fails(territory):
    with pytest.raises(CommandError, match="one of the arguments --district --national is required"):
        run("integration_create", "--name", "nowhere")
    with pytest.raises(CommandError, match="not allowed with argument"):
        run("integration_create", "--name", "both", "--district", "1700101", "--national")
    assert not Integration.objects.exists()


def test_create_national(territory):
    run("integration_create", "--name", "vms-national", "--national")
    integration = Integration.objects.get(name="vms-national")
    assert integration.is_national and integration.district is None


def test_unassigned_are_listed_and_assigned(territory):
    Integration.objects.create(name="legacy-nvr", token_prefix="legacy", token_hash="0" * 64)
    run("integration_create", "--name", "placed", "--district", "1700101")
    assert run("integration_unassigned")[0].startswith("legacy-nvr\t")

    assert run("integration_assign", "--name", "legacy-nvr", "--district", "1700101") == [
        "Integration legacy-nvr now speaks for district 1700101."]
    assert Integration.objects.get(name="legacy-nvr").district == territory.district_a1
    assert run("integration_unassigned") == ["Every active integration has a district or is national."]


def test_ingest_mqtt_needs_an_integration_of_a_district(territory, settings):
    settings.MQTT_INTEGRATION = ""
    with pytest.raises(CommandError, match="Name the integration"):
        run("ingest_mqtt")
    Integration.objects.create(name="legacy-relay", token_prefix="legacy", token_hash="0" * 64)
    with pytest.raises(CommandError, match="legacy-relay.*belongs to no district"):
        run("ingest_mqtt", "--integration", "legacy-relay")
