"""What every persona may see of the fixed territory (tests/conftest.py); `client_for("inspector")` signs in."""

import uuid

import pytest

PERSONAS = ["national", "region_officer", "district_official", "inspector", "social_worker", "operator",
            "admin", "outsider", "nobody"]

# Territory fixture attribute -> official code.
REGION_A, REGION_B = "1700001", "1700002"
DISTRICT_A1, DISTRICT_A2, DISTRICT_B1 = "1700101", "1700102", "1700201"
MAHALLA_A1A, MAHALLA_A1B, MAHALLA_A2A, MAHALLA_B1A = "17010001", "17010002", "17010003", "17020001"

VISIBLE_REGIONS = {
    "national": {REGION_A, REGION_B},
    "admin": {REGION_A, REGION_B},
    "region_officer": {REGION_A},
    "district_official": {REGION_A},
    "operator": {REGION_A},
    "inspector": {REGION_A},
    "social_worker": {REGION_A},
    "outsider": {REGION_B},
    "nobody": set(),
}
VISIBLE_DISTRICTS = {
    "national": {DISTRICT_A1, DISTRICT_A2, DISTRICT_B1},
    "admin": {DISTRICT_A1, DISTRICT_A2, DISTRICT_B1},
    "region_officer": {DISTRICT_A1, DISTRICT_A2},
    "district_official": {DISTRICT_A1},
    "operator": {DISTRICT_A1},
    "inspector": {DISTRICT_A1},
    "social_worker": {DISTRICT_A1},
    "outsider": {DISTRICT_B1},
    "nobody": set(),
}
VISIBLE_MAHALLAS = {
    "national": {MAHALLA_A1A, MAHALLA_A1B, MAHALLA_A2A, MAHALLA_B1A},
    "admin": {MAHALLA_A1A, MAHALLA_A1B, MAHALLA_A2A, MAHALLA_B1A},
    "region_officer": {MAHALLA_A1A, MAHALLA_A1B, MAHALLA_A2A},
    "district_official": {MAHALLA_A1A, MAHALLA_A1B},
    "operator": {MAHALLA_A1A, MAHALLA_A1B},
    "inspector": {MAHALLA_A1A},
    "social_worker": {MAHALLA_A1A},
    "outsider": {MAHALLA_B1A},
    "nobody": set(),
}


@pytest.fixture(autouse=True)
def _own_cache_namespace(settings):
    # The map layers are cached in the real Redis; a fresh key prefix per test keeps one test's
    # territory from answering another's and keeps parallel runs on the same Redis apart.
    settings.CACHES = {"default": {**settings.CACHES["default"], "KEY_PREFIX": f"test-{uuid.uuid4().hex}"}}


def codes(response) -> set[str]:
    body = response.json()
    if "features" in body:
        return {f["properties"]["code"] for f in body["features"]}
    return {row["code"] for row in body["results"]}


def error_fields(response) -> set[str]:
    """The parameters a 400 names (the project's handler nests them under "errors"; DRF's own at the top)."""
    body = response.json()
    return set(body.get("errors", body))
