"""The home page per role: the panels that answer "what needs me today" and their figures.

Each role gets its own panels (territories.home registry, filled by each app's home_panels.py); a role without
any (the administrator) goes to its territory page; a user without role or territory is told why."""

import datetime
import uuid

import pytest
from django.contrib.gis.geos import Point
from django.urls import reverse
from django.utils import timezone

from accounts.models import Role
from core import dates
from incidents.models import IncidentChangeRequest
from roadmaps import services as roadmap_services
from surveillance.models import Alert, Camera
from territories.home import home_period
from tests.factories import UserFactory
from tests.incidents.factories import (
    FieldVisitFactory,
    IncidentFactory,
    SupportCaseFactory,
    ensure_incident_categories,
)
from zones.models import MahallaStatus, Policy

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _setup(in_english, settings):
    ensure_incident_categories()
    # The national panel reads the dashboards' cache: a prefix per test keeps tests apart.
    settings.CACHES = {"default": {**settings.CACHES["default"], "KEY_PREFIX": f"test-home-{uuid.uuid4().hex}"}}


def home(client, user):
    client.force_login(user)
    response = client.get(reverse("home"))
    assert response.status_code == 200
    assert "territories/home.html" in [t.name for t in response.templates]
    return response.content.decode()


def status(mahalla, colour, *, previous="", since_days=1, total=0):
    policy = Policy.objects.order_by("-version").first() or Policy.objects.create(version=1)
    now = timezone.now()
    return MahallaStatus.objects.create(
        mahalla=mahalla, period=home_period().key, total=total,
        population=1000, rate=total, rate_threshold=5, policy=policy, colour=colour, previous_colour=previous,
        colour_since=now - datetime.timedelta(days=since_days), computed_at=now)


def figure(html, name):
    start = html.index(f'data-figure="{name}"')
    return html[html.index(">", start) + 1:html.index("<", start)].strip()


# --- field staff -----------------------------------------------------------------------------------------

def test_inspector_home_has_big_buttons_due_list_colours_and_alerts(client, personas, territory):
    # given: a follow-up due yesterday, one already answered by a later visit, a report waiting, a red mahalla
    inspector, a1a = personas.inspector, territory.mahalla_a1a
    today = dates.today()
    FieldVisitFactory(mahalla=a1a, by=inspector, address_or_household="Bog' ko'chasi 5",
                      follow_up_on=today - datetime.timedelta(days=1))
    answered = FieldVisitFactory(mahalla=a1a, by=inspector, address_or_household="Maktab 3",
                                 visited_at=timezone.now() - datetime.timedelta(days=5), follow_up_on=today)
    FieldVisitFactory(mahalla=a1a, by=inspector, address_or_household=answered.address_or_household)
    FieldVisitFactory(mahalla=a1a, by=inspector, follow_up_on=today + datetime.timedelta(days=30))
    report = IncidentFactory(mahalla=a1a, created_by=inspector)
    status(a1a, "red", total=3)
    camera = Camera.objects.create(vendor="generic", device_id="CAM-1", name="Maktab darvozasi",
                                   location=Point(63.65, 41.0), mahalla=a1a, district=territory.district_a1)
    Alert.objects.create(vendor="generic", natural_key="a-1", camera=camera, device_id="CAM-1", event_type="fight",
                         started_at=timezone.now(), mahalla=a1a, district=territory.district_a1, status="routed",
                         is_urgent=True)
    # when
    html = home(client, inspector)
    # then
    assert f'href="{reverse("incidents:visit-create")}"' in html and "Log a visit" in html
    assert f'href="{reverse("incidents:create")}"' in html and "Report an incident" in html
    assert "Bog&#x27; ko&#x27;chasi 5" in html and "overdue since" in html
    assert "Maktab 3" not in html  # answered by a later visit to the same household
    assert "1 follow-up due" in html
    assert reverse("incidents:detail", args=[report.pk]) in html
    assert 'data-home-panel="mahallas"' in html and "zone-badge--red" in html
    assert 'data-home-panel="alerts"' in html and reverse("surveillance:alert", args=[Alert.objects.get().pk]) in html
    assert 'data-home-panel="decisions"' not in html


def test_social_worker_home_lists_overdue_case_reviews_and_no_camera_alerts(client, personas, territory):
    social, a1a = personas.social_worker, territory.mahalla_a1a
    case = SupportCaseFactory(mahalla=a1a, social_worker=social,
                              next_review_on=dates.today() - datetime.timedelta(days=3))
    SupportCaseFactory(mahalla=a1a, social_worker=social)  # review next week: not due
    html = home(client, social)
    assert reverse("incidents:case-detail", args=[case.pk]) in html
    assert "1 case review overdue" in html
    assert "Open a support case" in html
    assert 'data-home-panel="alerts"' not in html  # social workers do not see cameras
    assert "zone-badge--none" in html  # no colour computed yet: said so, not hidden


def test_field_worker_home_says_when_nothing_is_due(client, personas, territory):
    html = home(client, personas.inspector)
    assert "Nothing is due" in html


def test_my_mahallas_table_has_no_column_of_the_users_own_role(client, personas, territory):
    client.force_login(personas.inspector)
    html = client.get(reverse("territories:mine")).content.decode()
    assert "Prevention inspector</th>" not in html and "Social worker</th>" in html
    client.force_login(personas.district_official)
    html = client.get(reverse("territories:district", args=[territory.district_a1.pk])).content.decode()
    assert "Prevention inspector</th>" in html


# --- officials -------------------------------------------------------------------------------------------

def test_district_home_shows_approvals_red_and_newly_yellow_mahallas(client, personas, territory):
    # given: a mahalla roadmap submitted by another official of the district, a red and a newly yellow mahalla
    official = personas.district_official
    colleague = UserFactory(username="district-2", role=Role.DISTRICT, district=territory.district_a1)
    roadmap = roadmap_services.roadmap_create(by=colleague, territory=territory.mahalla_a1a,
                                              year=dates.today().year)
    roadmap_services.item_create(by=colleague, roadmap=roadmap, focus_area="outreach", title="Suhbatlar",
                                 deadline=dates.today() - datetime.timedelta(days=10))
    roadmap_services.roadmap_submit(by=colleague, roadmap=roadmap)
    status(territory.mahalla_a1a, "red", total=4)
    status(territory.mahalla_a1b, "yellow", previous="green", since_days=2, total=1)
    IncidentFactory(mahalla=territory.mahalla_a1b, created_by=official,
                    occurred_at=timezone.now() - datetime.timedelta(days=60))
    # when
    html = home(client, official)
    # then
    assert figure(html, "roadmaps-awaiting") == "1"
    assert reverse("roadmaps:detail", args=[roadmap.pk]) in html
    assert figure(html, "red") == "1" and figure(html, "new-yellow") == "1"
    assert "Navro&#x27;z MFY" in html
    assert figure(html, "decision-overdue") == "1"
    assert figure(html, "measures-overdue") == "1"


def test_regional_home_shows_the_district_roadmap_waiting_and_no_percentage_without_a_roadmap(
        client, personas, territory):
    # given: the district's roadmap submitted for the region's approval; the region has no roadmap of its own
    year = dates.today().year
    roadmap = roadmap_services.roadmap_create(by=personas.district_official, territory=territory.district_a1,
                                              year=year)
    roadmap_services.item_create(by=personas.district_official, roadmap=roadmap, focus_area="outreach",
                                 title="Huquqiy savodxonlik", deadline=dates.today() - datetime.timedelta(days=5))
    roadmap_services.roadmap_submit(by=personas.district_official, roadmap=roadmap)
    # when
    html = home(client, personas.region_officer)
    # then
    assert figure(html, "roadmaps-awaiting") == "1"
    assert reverse("roadmaps:detail", args=[roadmap.pk]) in html
    own = html[html.index("data-own-roadmap"):]
    own = own[:own.index("</p>")]
    assert f"has no roadmap for {year} yet" in own and "%" not in own


def test_registrar_home_counts_the_change_requests_to_decide(client, personas, territory):
    incident = IncidentFactory(mahalla=territory.mahalla_a1a, created_by=personas.inspector, status="registered")
    IncidentChangeRequest.objects.create(
        incident=incident, kind="deregister", reason_code="duplicate", reason="Registered twice",
        incident_version=incident.version,
        counted_mahalla=territory.mahalla_a1a, counted_occurred_at=incident.occurred_at,
        requested_by=personas.inspector, requester_role=Role.INSPECTOR)
    html = home(client, personas.registrar)
    assert figure(html, "change-requests") == "1"


# --- operators and national staff ------------------------------------------------------------------------

def test_operator_home_shows_queue_count_and_oldest_urgent_alert(client, personas, territory):
    camera = Camera.objects.create(vendor="generic", device_id="CAM-1", name="Bozor", location=Point(63.65, 41.0),
                                   mahalla=territory.mahalla_a1a, district=territory.district_a1)
    now = timezone.now()

    def alert(key, minutes_ago, urgent, status="routed"):
        return Alert.objects.create(vendor="generic", natural_key=key, camera=camera, device_id="CAM-1",
                                    event_type="fight" if urgent else "loitering", is_urgent=urgent, status=status,
                                    dismiss_reason="false alarm" if status == "dismissed" else "",
                                    started_at=now - datetime.timedelta(minutes=minutes_ago),
                                    mahalla=territory.mahalla_a1a, district=territory.district_a1)

    oldest = alert("u-old", 90, True)
    alert("u-new", 5, True)
    alert("plain", 200, False)
    alert("done", 300, True, status="dismissed")
    html = home(client, personas.operator)
    assert figure(html, "queue") == "3" and figure(html, "urgent") == "2"
    oldest_box = html[html.index("data-oldest-urgent"):]
    assert reverse("surveillance:alert", args=[oldest.pk]) in oldest_box[:oldest_box.index("</div>")]


def test_national_home_shows_the_coloured_map_and_every_region(client, personas, territory):
    status(territory.mahalla_a1a, "red", total=3)
    html = home(client, personas.national)
    assert 'data-home-panel="national"' in html
    assert f'data-dashboard-map-url="{reverse("api:dashboards-map")}?period={home_period().key}"' in html
    assert "dashboard-map.js" in html
    regions = html[html.index("data-home-regions"):]
    assert "North Region" in regions and "South Region" in regions
    assert figure(html, "red") == "1" and figure(html, "green") == "0"


# --- without panels ----------------------------------------------------------------------------------------

def test_administrator_goes_to_the_territory_page(client, personas):
    client.force_login(personas.admin)
    response = client.get(reverse("home"))
    assert response.status_code == 302 and response.url == reverse("territories:home")


def test_user_without_role_is_told_why(client, personas):
    client.force_login(personas.nobody)
    response = client.get(reverse("home"))
    assert response.status_code == 403
    assert "accounts/no_scope.html" in [t.name for t in response.templates]


# --- cost -----------------------------------------------------------------------------------------------

def _more_of_everything(personas, territory, n: int, tag: str):
    """n more rows of every kind a home panel lists, in the mahallas the personas work in."""
    a1a, a1b, today = territory.mahalla_a1a, territory.mahalla_a1b, dates.today()
    camera = Camera.objects.create(vendor="generic", device_id=f"CAM-{tag}", name=f"Kamera {tag}",
                                   location=Point(63.65, 41.0), mahalla=a1a, district=territory.district_a1)
    for i in range(n):
        FieldVisitFactory(mahalla=a1a, by=personas.inspector, address_or_household=f"{tag} uy {i}",
                          follow_up_on=today - datetime.timedelta(days=i + 1))
        IncidentFactory(mahalla=a1b if i % 2 else a1a, created_by=personas.inspector)
        SupportCaseFactory(mahalla=a1a, social_worker=personas.social_worker,
                           next_review_on=today - datetime.timedelta(days=i + 1))
        Alert.objects.create(vendor="generic", natural_key=f"{tag}-{i}", camera=camera, device_id=camera.device_id,
                             event_type="fight", is_urgent=bool(i % 2), status="routed",
                             started_at=timezone.now() - datetime.timedelta(minutes=i),
                             mahalla=a1a, district=territory.district_a1)


# Measured 6 December 2026 (13-30; field staff 27 and 26 with the week's visit plan); the bound leaves room for a
# panel or two, not for a query per row.
@pytest.mark.parametrize(("persona", "most"), [("inspector", 32), ("social_worker", 31), ("district_official", 29),
                                               ("region_officer", 36), ("operator", 19), ("national", 27)])
def test_home_page_queries_do_not_grow_with_the_rows_it_lists(client, personas, territory, persona, most):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    user = getattr(personas, persona)
    status(territory.mahalla_a1a, "red", total=3)
    status(territory.mahalla_a1b, "yellow", previous="green")

    def queries():
        with CaptureQueriesContext(connection) as captured:
            home(client, user)
        return len(captured)

    _more_of_everything(personas, territory, 2, "a")
    home(client, user)  # the first request fills per-process caches (categories, panels' registry)
    few = queries()
    _more_of_everything(personas, territory, 12, "b")
    assert queries() == few, f"{persona}: the home page's queries grow with the rows it lists"
    assert few <= most, f"{persona}: {few} queries"
