import datetime
from decimal import Decimal

import pytest
from django.db import DatabaseError, transaction

from accounts.models import Notification
from audit.models import AuditEvent
from core.periods import TASHKENT, Period, PeriodError
from incidents.change_requests import change_request_create, change_request_decide
from incidents.models import Incident
from incidents.services import incident_create, incident_transition
from incidents.signals import incident_changed
from mahallas.models import Mahalla
from tests.incidents.factories import category
from zones import breakdown, services
from zones.breakdown import counts_of
from zones.errors import ZoneError
from zones.models import ColourChange, DirtyMahalla, MahallaStatus, Policy, RecomputeRun
from zones.reasons import reason
from zones.tasks import zone_status_recompute_dirty

from ..conftest import crime, recompute

pytestmark = pytest.mark.django_db
S = Incident.Status


def status(mahalla, period="current") -> MahallaStatus:
    return MahallaStatus.objects.select_related("policy").get(mahalla=mahalla, period=period)


# --- thresholds ---------------------------------------------------------------------------------------------

def test_no_crime_is_green_two_are_yellow_three_are_red(territory, personas, policy):
    # given
    for _ in range(2):
        crime(territory.mahalla_a1a, by=personas.national)
    for _ in range(3):
        crime(territory.mahalla_a1b, by=personas.national)
    # when
    recompute()
    # then
    assert status(territory.mahalla_a2a).colour == "green"
    assert status(territory.mahalla_a1a).colour == "yellow"
    assert status(territory.mahalla_a1b).colour == "red"
    assert status(territory.mahalla_a1a).total == 2 and counts_of(status(territory.mahalla_a1a)) == {"theft": 2}


def test_reason_sentence_names_categories_rate_and_colour(territory, personas, policy, settings):
    crime(territory.mahalla_a1a, by=personas.national, category="theft")
    crime(territory.mahalla_a1a, by=personas.national, category="cyber-bank-card")
    recompute()
    from django.utils import translation

    with translation.override("en"):
        text = reason(status(territory.mahalla_a1a))
    assert text == "2 registered crimes (1 bank-card fraud, 1 theft); 0.5 per 1,000 residents — yellow"


def test_rate_exactly_at_the_93rd_percentile_is_red_and_just_below_is_yellow(territory, personas):
    # given: 100 mahallas with one crime each and distinct populations, so distinct rates; counts never reach red
    Policy.objects.create(version=1, red_min_crimes=50, red_rate_top_percent=Decimal("7.00"))
    Mahalla.objects.bulk_create([Mahalla(district=territory.district_a2, code=f"9{n:07d}", name_uz=f"M{n}")
                                 for n in range(96)])
    mahallas = list(Mahalla.objects.order_by("id"))
    assert len(mahallas) == 100
    for n, m in enumerate(mahallas):
        Mahalla.objects.filter(pk=m.pk).update(population=1000 + 10 * n, households=0)
        crime(m, by=personas.national)
    # when
    recompute()
    # then: top 7% of 100 = the 7 highest rates (smallest populations); the 7th is exactly at the threshold
    by_rate = sorted(MahallaStatus.objects.filter(period="current"), key=lambda s: s.rate, reverse=True)
    seventh, eighth = by_rate[6], by_rate[7]
    assert seventh.rate == seventh.rate_threshold
    assert seventh.colour == "red" and eighth.colour == "yellow"
    assert [s.colour for s in by_rate].count("red") == 7
    assert "top 7%" in reason(seventh)


def test_reported_unfounded_referred_deregistered_and_administrative_offences_do_not_count(territory, personas,
                                                                                              policy):
    for st in (S.REPORTED, S.UNDER_VERIFICATION, S.UNFOUNDED, S.REFERRED, S.DEREGISTERED):
        crime(territory.mahalla_a1a, by=personas.national, status=st)
    # closed after being found unfounded: never registered, never counted
    crime(territory.mahalla_a1a, by=personas.national, status=S.CLOSED, registered_at=None)
    for _ in range(3):
        crime(territory.mahalla_a1a, by=personas.national, legal_kind=Incident.LegalKind.ADMINISTRATIVE)
    recompute()
    assert status(territory.mahalla_a1a).colour == "green"
    assert status(territory.mahalla_a1a).total == 0


def test_a_registered_crime_closed_afterwards_still_counts(territory, personas, policy):
    crime(territory.mahalla_a1a, by=personas.national, status=S.CLOSED)
    crime(territory.mahalla_a1a, by=personas.national, status=S.REGISTERED)
    recompute()
    assert status(territory.mahalla_a1a).total == 2


def test_zero_population_has_no_rate_and_is_coloured_by_counts(territory, personas):
    Policy.objects.create(version=1)
    Mahalla.objects.filter(pk=territory.mahalla_a1a.pk).update(population=0, households=0)
    crime(territory.mahalla_a1a, by=personas.national)
    recompute()
    assert status(territory.mahalla_a1a).rate is None
    assert status(territory.mahalla_a1a).colour == "yellow"


# --- periods ------------------------------------------------------------------------------------------------

def test_crime_late_on_june_30_tashkent_time_belongs_to_h1(territory, personas, policy):
    # given: 23:30 in Tashkent is 18:30 UTC; 00:30 on July 1 is 19:30 UTC on June 30
    late_june = datetime.datetime(2025, 6, 30, 23, 30, tzinfo=TASHKENT)
    early_july = datetime.datetime(2025, 7, 1, 0, 30, tzinfo=TASHKENT)
    assert late_june.astimezone(datetime.UTC).hour == 18
    crime(territory.mahalla_a1a, by=personas.national, at=late_june)
    crime(territory.mahalla_a1b, by=personas.national, at=early_july)
    # when
    recompute(Period.parse("H1-2025"), Period.parse("H2-2025"), Period.parse("Q2-2025"), Period.parse("2025"))
    # then
    assert status(territory.mahalla_a1a, "H1-2025").total == 1
    assert status(territory.mahalla_a1a, "Q2-2025").total == 1
    assert status(territory.mahalla_a1a, "H2-2025").total == 0
    assert status(territory.mahalla_a1b, "H1-2025").total == 0
    assert status(territory.mahalla_a1b, "H2-2025").total == 1
    assert status(territory.mahalla_a1a, "2025").total == 1 and status(territory.mahalla_a1b, "2025").total == 1


@pytest.mark.parametrize(("key", "starts", "ends"), [
    ("H1-2025", (2025, 1, 1), (2025, 7, 1)),
    ("H2-2025", (2025, 7, 1), (2026, 1, 1)),
    ("Q3-2025", (2025, 7, 1), (2025, 10, 1)),
    ("Q4-2025", (2025, 10, 1), (2026, 1, 1)),
    ("2025", (2025, 1, 1), (2026, 1, 1)),
])
def test_period_parses_and_prints(key, starts, ends):
    period = Period.parse(key)
    assert period.key == key and str(period) == key
    assert period.starts == datetime.datetime(*starts, tzinfo=TASHKENT)
    assert period.ends == datetime.datetime(*ends, tzinfo=TASHKENT)


def test_current_period_is_the_last_90_tashkent_days():
    period = Period.parse("current", on=datetime.date(2025, 7, 15))
    assert period.key == "current"
    assert period.starts == datetime.datetime(2025, 4, 17, tzinfo=TASHKENT)
    assert period.ends == datetime.datetime(2025, 7, 16, tzinfo=TASHKENT)


@pytest.mark.parametrize("key", ["H3-2025", "Q5-2025", "2025-H1", "", "1999", "h1-20x5"])
def test_period_refuses_nonsense(key):
    with pytest.raises(PeriodError):
        Period.parse(key)


# --- recompute after changes --------------------------------------------------------------------------------

def _registered(by, mahalla, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        incident = incident_create(by=by, mahalla=mahalla, category=category("theft"),
                                   occurred_at=datetime.datetime.now(datetime.UTC) - datetime.timedelta(hours=3))
        incident_transition(by=by, incident=incident, to_status=S.UNDER_VERIFICATION)
        incident_transition(by=by, incident=incident, to_status=S.REGISTERED)
    return incident


def test_incident_moved_between_mahallas_recomputes_both(territory, personas, policy,
                                                         django_capture_on_commit_callbacks, enqueued):
    # given
    official = personas.district_official
    incident = _registered(official, territory.mahalla_a1a, django_capture_on_commit_callbacks)
    zone_status_recompute_dirty()
    assert status(territory.mahalla_a1a).total == 1
    # when
    with django_capture_on_commit_callbacks(execute=True):
        request = change_request_create(by=official, incident=incident, kind="edit", reason="wrong mahalla",
                                        changes={"mahalla": territory.mahalla_a1b})
    zone_status_recompute_dirty()
    assert status(territory.mahalla_a1a).total == 1  # counts as before until approved
    with django_capture_on_commit_callbacks(execute=True):
        change_request_decide(by=personas.registrar, request=request, approve=True)
    assert set(DirtyMahalla.objects.values_list("mahalla_id", flat=True)) == {territory.mahalla_a1a.pk,
                                                                               territory.mahalla_a1b.pk}
    zone_status_recompute_dirty()
    # then
    assert status(territory.mahalla_a1a).total == 0 and status(territory.mahalla_a1a).colour == "green"
    assert status(territory.mahalla_a1b).total == 1 and status(territory.mahalla_a1b).colour == "yellow"
    assert not DirtyMahalla.objects.exists()
    assert enqueued.calls and enqueued.calls[0][0] == "zone_status_recompute_dirty"


def test_incident_deregistered_as_unfounded_makes_the_mahalla_green_again(territory, personas, policy,
                                                                          django_capture_on_commit_callbacks):
    official = personas.district_official
    incident = _registered(official, territory.mahalla_a1a, django_capture_on_commit_callbacks)
    zone_status_recompute_dirty()
    with django_capture_on_commit_callbacks(execute=True):
        request = change_request_create(by=official, incident=incident, kind="deregister", reason_code="unfounded",
                                        reason="no crime: the phone was found at home")
    zone_status_recompute_dirty()
    assert status(territory.mahalla_a1a).colour == "yellow"
    with django_capture_on_commit_callbacks(execute=True):
        change_request_decide(by=personas.registrar, request=request, approve=True)
    zone_status_recompute_dirty()
    assert status(territory.mahalla_a1a).colour == "green"


def test_deleted_incident_is_recomputed_away(territory, personas, policy, django_capture_on_commit_callbacks):
    incident = crime(territory.mahalla_a1a, by=personas.national)
    recompute()
    assert status(territory.mahalla_a1a).colour == "yellow"
    with django_capture_on_commit_callbacks(execute=True):
        incident.delete()
    zone_status_recompute_dirty()
    assert status(territory.mahalla_a1a).colour == "green" and status(territory.mahalla_a1a).total == 0


def test_partial_recompute_reuses_the_stored_national_threshold(territory, personas):
    Policy.objects.create(version=1)
    crime(territory.mahalla_a1a, by=personas.national)
    recompute()
    threshold = status(territory.mahalla_a1a).rate_threshold
    assert threshold == Decimal("0.25")
    from zones.recompute import status_recompute

    result = status_recompute(periods=[Period.current()], mahalla_ids=[territory.mahalla_a1b.pk])
    assert result.kind == "partial" and result.rows_changed == 0
    crime(territory.mahalla_a1b, by=personas.national)
    crime(territory.mahalla_a1b, by=personas.national)
    result = status_recompute(periods=[Period.current()], mahalla_ids=[territory.mahalla_a1b.pk])
    assert result.rows_changed == 1
    assert status(territory.mahalla_a1b).rate_threshold == threshold
    assert status(territory.mahalla_a1b).colour == "red"  # 0.5 per 1,000 >= the stored 0.25


def test_the_breakdown_is_read_for_a_page_of_statuses_in_one_query(territory, personas, policy,
                                                                   django_assert_num_queries):
    # given: two mahallas with crimes of several categories, in two stored periods
    h1 = Period.parse("H1-2025")
    at = datetime.datetime(2025, 3, 10, 12, tzinfo=TASHKENT)
    crime(territory.mahalla_a1a, by=personas.national, category="theft", at=at)
    crime(territory.mahalla_a1a, by=personas.national, category="fraud", at=at)
    crime(territory.mahalla_a1b, by=personas.national, category="theft")
    recompute(Period.current(), h1)
    statuses = list(MahallaStatus.objects.filter(mahalla__in=[territory.mahalla_a1a, territory.mahalla_a1b]))
    # when
    with django_assert_num_queries(1):
        breakdown.attach(statuses)
    # then: each status has the crimes of its own mahalla and period, by category
    found = {(s.mahalla_id, s.period): s.counts for s in statuses}
    assert found[(territory.mahalla_a1a.pk, "H1-2025")] == {"theft": 1, "fraud": 1}
    assert found[(territory.mahalla_a1a.pk, "current")] == {}
    assert found[(territory.mahalla_a1b.pk, "current")] == {"theft": 1}
    assert found[(territory.mahalla_a1b.pk, "H1-2025")] == {}


def test_a_breakdown_that_does_not_add_up_to_the_stored_total_is_not_shown(territory, personas, policy, settings):
    # given: a stored status of two crimes, and a third crime registered since (its recompute not yet run)
    crime(territory.mahalla_a1a, by=personas.national, category="theft")
    crime(territory.mahalla_a1a, by=personas.national, category="fraud")
    recompute()
    crime(territory.mahalla_a1a, by=personas.national, category="theft")
    # when
    row = status(territory.mahalla_a1a)
    from django.utils import translation

    with translation.override("en"):
        text = reason(row)
    # then: the stored total is said, without a breakdown that would say three
    assert counts_of(row) is None
    assert text.startswith("2 registered crimes; ")
    # and once recomputed, the breakdown is back
    recompute()
    assert counts_of(status(territory.mahalla_a1a)) == {"theft": 2, "fraud": 1}


def test_a_colour_change_keeps_the_breakdown_of_its_own_time(territory, personas, policy):
    recompute()
    crime(territory.mahalla_a1a, by=personas.national, category="theft")
    crime(territory.mahalla_a1a, by=personas.national, category="fraud")
    recompute()
    crime(territory.mahalla_a1a, by=personas.national, category="fraud")
    recompute()
    events = list(ColourChange.objects.filter(mahalla=territory.mahalla_a1a, period="current").order_by("at"))
    assert [(e.from_colour, e.to_colour, e.counts) for e in events] == [
        ("green", "yellow", {"theft": 1, "fraud": 1}), ("yellow", "red", {"theft": 1, "fraud": 2})]


def test_nothing_changed_writes_nothing(territory, personas, policy):
    crime(territory.mahalla_a1a, by=personas.national)
    first = recompute()
    assert first.rows_changed == 4
    assert recompute().rows_changed == 0


# --- watch flags --------------------------------------------------------------------------------------------

def test_watch_flags_for_missing_staff_on_live_periods_only(territory, personas, policy):
    recompute(Period.current(), Period.parse("H1-2025"))
    a1a, a1b = status(territory.mahalla_a1a), status(territory.mahalla_a1b)
    assert a1a.flag_no_inspector is False and a1a.flag_no_social_worker is False
    assert a1b.flag_no_inspector is True and a1b.flag_no_social_worker is True
    assert a1a.flag_urgent_alerts is False
    assert status(territory.mahalla_a1b, "H1-2025").flag_no_inspector is None


# --- policy versions ----------------------------------------------------------------------------------------

def test_policy_change_is_a_new_version_and_statuses_name_it(territory, personas, policy, enqueued,
                                                             django_capture_on_commit_callbacks):
    for _ in range(2):
        crime(territory.mahalla_a1a, by=personas.national)
    recompute()
    assert status(territory.mahalla_a1a).policy.version == 1
    # when
    with django_capture_on_commit_callbacks(execute=True):
        new = services.policy_create(by=personas.admin, red_min_crimes=2, red_rate_top_percent=Decimal(0),
                                     note="Order 17")
    assert [c[0] for c in enqueued.calls] == ["zone_status_recompute_all"]
    services.status_recompute_all_stored()
    # then
    assert new.version == 2 and Policy.objects.count() == 2
    assert status(territory.mahalla_a1a).policy == new
    assert status(territory.mahalla_a1a).colour == "red"
    assert AuditEvent.objects.filter(object_type="zones.policy", object_id=str(new.pk)).exists()


def test_policy_cannot_be_changed_by_a_region_officer(personas, policy):
    with pytest.raises(ZoneError):
        services.policy_create(by=personas.region_officer, red_min_crimes=4, red_rate_top_percent=Decimal(7))


def test_policy_row_is_append_only_in_the_database(policy):
    policy.red_min_crimes = 10
    with pytest.raises(DatabaseError), transaction.atomic():
        policy.save()


# --- colour changes and notifications -----------------------------------------------------------------------

def test_leaving_green_and_turning_red_are_events_and_notify_district_officials(territory, personas, policy):
    recompute()
    assert not ColourChange.objects.exists()  # a first computation is not a change
    crime(territory.mahalla_a1a, by=personas.national)
    recompute()
    for _ in range(2):
        crime(territory.mahalla_a1a, by=personas.national)
    recompute()
    events = list(ColourChange.objects.filter(mahalla=territory.mahalla_a1a, period="current").order_by("at"))
    assert [(e.from_colour, e.to_colour) for e in events] == [("green", "yellow"), ("yellow", "red")]
    assert events[1].total == 3 and events[1].policy == policy
    notes = Notification.objects.filter(user=personas.district_official, kind="zone_colour").order_by("id")
    assert notes.count() == 2
    assert all(n.url == f"/territories/mahallas/{territory.mahalla_a1a.pk}/" for n in notes)
    assert not Notification.objects.filter(user=personas.outsider).exists()
    assert status(territory.mahalla_a1a).previous_colour == "yellow"


def test_back_to_green_is_an_event_without_notification(territory, personas, policy):
    incident = crime(territory.mahalla_a1a, by=personas.national)
    recompute()
    Incident.objects.filter(pk=incident.pk).update(status=S.DEREGISTERED, registered_at=None)
    recompute()
    assert ColourChange.objects.filter(from_colour="yellow", to_colour="green").count() == 1
    assert not Notification.objects.exists()


# --- coalescing ---------------------------------------------------------------------------------------------

def test_thousand_changes_in_one_mahalla_enqueue_one_recompute(territory, personas, policy, enqueued,
                                                                django_capture_on_commit_callbacks):
    # given: 1,000 committed changes in one mahalla, as the incidents app signals them (after each commit).
    # The crimes are stored first: on a loaded machine creating 1,000 of them through the factory outlasts the
    # doorbell's 10 s window, which would test the clock, not the coalescing.
    for _ in range(1000):
        crime(territory.mahalla_a1a, by=personas.national)
    for _ in range(1000):
        with django_capture_on_commit_callbacks(execute=True):
            incident_changed.send(sender=Incident, incident_id=0,
                                  mahalla_ids=frozenset({territory.mahalla_a1a.pk}))
    # then: one message on its way, one dirty row
    assert len(enqueued) == 1
    assert DirtyMahalla.objects.count() == 1
    # when the task runs
    zone_status_recompute_dirty()
    # then: one execution recomputed everything
    assert RecomputeRun.objects.filter(kind="partial").count() == 1
    assert status(territory.mahalla_a1a).total == 1000
    # and the next change rings again
    with django_capture_on_commit_callbacks(execute=True):
        incident_changed.send(sender=Incident, incident_id=0, mahalla_ids=frozenset({territory.mahalla_a1b.pk}))
    assert len(enqueued) == 2


def test_sweep_rings_again_for_rows_whose_message_was_lost(territory, policy, enqueued,
                                                           django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        services.mahallas_mark_dirty([territory.mahalla_a1a.pk])
    assert len(enqueued) == 1
    DirtyMahalla.objects.update(marked_at=datetime.datetime(2020, 1, 1, tzinfo=datetime.UTC))
    assert services.dirty_sweep() is True
    assert len(enqueued) == 2
