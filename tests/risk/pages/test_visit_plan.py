"""The visit-plan pages and home panels: a field worker's week (printable), a district official's district with
the gaps marked and the one-click measure (POST with CSRF, capability-checked, audited); and the dashboards map
offering the hot-spot layer."""

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from audit.models import AuditEvent
from roadmaps.models import RoadmapItem
from tests.incidents.factories import FieldVisitFactory

pytestmark = pytest.mark.django_db

PLAN = reverse("risk:visit-plan")


def test_inspector_plan_page_ticks_the_visited_mahalla(client_for, personas, territory, scored, hot, trusted):
    client = client_for("inspector")
    html = client.get(PLAN).content.decode()
    assert "Where to go this week" in html
    assert f'data-mahalla="{territory.mahalla_a1a.pk}" data-done="false"' in html
    assert "0 of 1 mahallas visited this week" in html
    assert "data-risk-print" in html and "risk-print-page" in html  # printable
    FieldVisitFactory(mahalla=territory.mahalla_a1a, by=personas.inspector, visited_at=timezone.now())
    html = client.get(PLAN).content.decode()
    assert f'data-mahalla="{territory.mahalla_a1a.pk}" data-done="true"' in html
    assert "1 of 1 mahallas visited this week" in html and "done: 1 visit this week" in html


def test_field_home_shows_the_plan_panel(client_for, personas, territory, scored, trusted):
    html = client_for("social_worker").get(reverse("home")).content.decode()
    assert 'data-home-panel="visit-plan"' in html
    assert f'data-mahalla="{territory.mahalla_a1a.pk}"' in html


def test_district_home_shows_the_highest_risk(client_for, personas, scored, trusted):
    html = client_for("district_official").get(reverse("home")).content.decode()
    assert 'data-home-panel="risk-district"' in html
    assert "2 mahallas need staff or a visit" in html


def test_district_plan_marks_gaps_and_offers_the_measure(client_for, personas, territory, scored, trusted):
    html = client_for("district_official").get(PLAN).content.decode()
    assert 'data-gap="inspector"' in html and 'data-gap="visit"' in html
    assert html.count("risk-row--gap") == 2
    assert html.count('class="risk-measure-form"') == 1
    assert reverse("risk:add-measure", args=[territory.mahalla_a1a.pk]) in html
    assert reverse("risk:add-measure", args=[territory.mahalla_a1b.pk]) not in html


def test_one_click_measure_needs_csrf_and_is_audited(personas, territory, scored, trusted):
    url = reverse("risk:add-measure", args=[territory.mahalla_a1a.pk])
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(personas.district_official)
    assert strict.post(url, {"next": "plan"}).status_code == 403
    assert not RoadmapItem.objects.exists()
    page = strict.get(PLAN)
    token = page.cookies["csrftoken"].value
    response = strict.post(url, {"next": "plan", "csrfmiddlewaretoken": token})
    assert response.status_code == 302 and response["Location"] == PLAN
    item = RoadmapItem.objects.get()
    assert AuditEvent.objects.filter(object_id=str(item.pk), details__from="risk").exists()
    # a second click says why nothing was added
    followed = strict.post(url, {"next": "plan", "csrfmiddlewaretoken": token}, follow=True)
    assert "already has the measure" in followed.content.decode()
    assert RoadmapItem.objects.count() == 1


def test_one_click_measure_goes_to_the_item_by_default(client_for, personas, territory, scored, trusted):
    response = client_for("district_official").post(reverse("risk:add-measure", args=[territory.mahalla_a1a.pk]))
    assert response["Location"] == reverse("roadmaps:item", args=[RoadmapItem.objects.get().pk])


@pytest.mark.parametrize("persona, status", [("outsider", 404), ("inspector", 404), ("region_officer", 404)])
def test_others_cannot_add_the_measure(client_for, personas, territory, scored, trusted, persona, status):
    response = client_for(persona).post(reverse("risk:add-measure", args=[territory.mahalla_a1a.pk]))
    assert response.status_code == status
    assert not RoadmapItem.objects.exists()


def test_measure_is_post_only(client_for, personas, territory, scored, trusted):
    url = reverse("risk:add-measure", args=[territory.mahalla_a1a.pk])
    assert client_for("district_official").get(url).status_code == 405


@pytest.mark.parametrize("persona", ["national", "region_officer", "operator", "nobody"])
def test_plan_page_is_for_field_staff_and_district_officials(client_for, personas, scored, persona):
    assert client_for(persona).get(PLAN).status_code == 404


def test_dashboards_map_offers_the_hot_spot_layer(client_for, personas, scored, hot):
    html = client_for("national").get(reverse("dashboards:home")).content.decode()
    assert f'data-hotspots-url="{reverse("api:risk:hotspot-geojson")}"' in html
    district = client_for("district_official").get(reverse("dashboards:home"), follow=True).content.decode()
    # the district dashboard's layer is narrowed to the district
    assert f'?district={personas.district_official.district_id}"' in district.split("data-hotspots-url=")[1][:80]
    public = client_for("anonymous").get(reverse("dashboards:public")).content.decode()
    assert "data-hotspots-url" not in public


def test_mahalla_page_says_where_it_stands_and_why(client_for, personas, territory, scored, hot, untrusted):
    from django.utils.html import escape

    from risk.queries import words

    url = reverse("territories:mahalla", args=[territory.mahalla_a1a.pk])
    html = client_for("inspector").get(url).content.decode()
    assert "data-risk-panel" in html
    # by last 12 weeks' count A1a (2) is second of A1's two mahallas; a hot spot; the words of why
    assert "2 of 2 in the district" in html and "2 crimes in the last 12 weeks" in html and "hot spot" in html
    assert all(escape(line) in html for line in words(scored.a1a))
    # the inspector has no ranking page to link to; the district official has
    assert reverse("risk:ranking") not in html.split("data-risk-panel")[1].split("</section>")[0]
    official = client_for("district_official").get(url).content.decode()
    assert f'{reverse("risk:ranking")}?district={territory.district_a1.pk}' in official


def test_mahalla_page_without_a_score_or_for_other_roles_has_no_risk_panel(client_for, personas, territory, scored):
    url = reverse("territories:mahalla", args=[territory.mahalla_a1a.pk])
    assert "data-risk-panel" not in client_for("operator").get(url).content.decode()
    unscored = reverse("territories:mahalla", args=[territory.mahalla_a1a.pk])
    from risk.models import RiskScore

    RiskScore.objects.filter(mahalla=territory.mahalla_a1a).delete()
    assert "data-risk-panel" not in client_for("district_official").get(unscored).content.decode()
