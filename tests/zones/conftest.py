import datetime
import os
import uuid
from dataclasses import dataclass, field

import pytest
from django.utils import timezone

from core.periods import Period
from incidents.models import Incident, IncidentCategory
from tests.incidents.factories import IncidentFactory, ensure_incident_categories
from zones.models import Policy
from zones.services import status_recompute_national

# TEST_REDIS_BASE lets two checkouts run their suites side by side on one Redis.
TEST_REDIS_URL = f"{os.environ.get('TEST_REDIS_BASE', 'redis://127.0.0.1:6379')}/14"


@pytest.fixture(autouse=True)
def _in_english(in_english):
    """The assertions here read reasons and page text in English."""


@pytest.fixture(autouse=True)
def _categories(db):
    ensure_incident_categories()


@pytest.fixture(autouse=True)
def _own_cache(settings):
    # The doorbell key lives in Redis: a prefix per test keeps tests apart.
    settings.CACHES = {"default": {**settings.CACHES["default"], "KEY_PREFIX": f"test-zones-{uuid.uuid4().hex}"}}


@dataclass
class Enqueued:
    calls: list = field(default_factory=list)

    def __len__(self):
        return len(self.calls)


@pytest.fixture(autouse=True)
def enqueued(request, monkeypatch):
    """Unit tests never talk to the broker: enqueues are recorded, and tests run the task functions directly.
    Tests marked `worker` use the real broker."""
    record = Enqueued()
    if request.node.get_closest_marker("worker"):
        return record
    from zones import tasks

    for name in ("zone_status_recompute_dirty", "zone_status_recompute_all", "zone_status_recompute_period"):
        task = getattr(tasks, name)
        monkeypatch.setattr(task, "apply_async",
                            lambda *a, _name=name, **kw: record.calls.append((_name, a, kw)))
    return record


@pytest.fixture
def policy(db):
    """Counts-only policy: the national rate rule off, so that a four-mahalla test country is not all 'top 7%'."""
    return Policy.objects.create(version=1, green_max_crimes=0, red_min_crimes=3, red_rate_top_percent=0,
                                 note="test")


def crime(mahalla, *, by, at=None, category="theft", status=Incident.Status.REGISTERED,
          legal_kind=Incident.LegalKind.CRIME, **extra) -> Incident:
    at = at or timezone.now() - datetime.timedelta(days=1)
    return IncidentFactory(mahalla=mahalla, created_by=by, occurred_at=at, reported_at=at + datetime.timedelta(
        hours=1), category=IncidentCategory.objects.get(code=category), status=status, legal_kind=legal_kind,
        **extra)


def recompute(*periods: Period):
    return status_recompute_national(periods=list(periods) or [Period.current()])
