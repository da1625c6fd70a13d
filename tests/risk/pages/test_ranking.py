"""The ranking page: the user's territory only, the words of why, hot-spot badges, the backtest table beside it,
and the count baseline's ranking (said in words) where the model did not beat it; its CSV/XLSX export."""

import csv
import io

import pytest
from django.urls import reverse
from django.utils.html import escape
from openpyxl import load_workbook

from audit.models import AuditEvent
from mahallas.models import Mahalla
from risk.models import RiskScore
from risk.queries import words

pytestmark = pytest.mark.django_db

URL = reverse("risk:ranking")


def _order(html: str, territory) -> list[str]:
    """The codes of the fixed territory's mahallas in the order their names appear in the page."""
    mahallas = [territory.mahalla_a1a, territory.mahalla_a1b, territory.mahalla_a2a, territory.mahalla_b1a]
    present = [m for m in mahallas if escape(m.name) in html]
    return [m.code for m in sorted(present, key=lambda m: html.index(escape(m.name)))]


def test_district_official_sees_the_district_ranked_by_the_model(client_for, personas, territory, scored, hot,
                                                                 trusted):
    response = client_for("district_official").get(URL)
    assert response.status_code == 200
    html = response.content.decode()
    # A1 only: A2a (another district of the region) and B1a (another region) are not on the page.
    assert _order(html, territory) == ["17010001", "17010002"]
    assert 'data-ranked-by="model"' in html
    # the words of why (the raw components until risk.selectors.explain exists), the hot-spot badge
    lines = words(scored.a1a)
    assert lines and all(escape(line) in html for line in lines)
    assert "hot spot" in html
    # the backtest table, the model's row marked as the one used
    assert 'data-method="model" class="risk-backtest__used"' in html
    assert 'data-method="count"' in html and 'data-method="kde"' in html
    assert "31.0%" in html and "± 2.0" in html


def test_where_the_model_does_not_beat_the_baseline_the_page_says_so_and_ranks_by_count(
        client_for, personas, territory, scored, untrusted):
    html = client_for("national").get(URL).content.decode()
    assert 'data-ranked-by="count"' in html
    assert "The risk model does not beat the count baseline in the backtest." in html
    # by last 12 weeks' count: A1b (9), B1a (4), A2a (3), A1a (2); the model would put A1a first
    assert _order(html, territory) == ["17010002", "17020001", "17010003", "17010001"]
    assert 'data-method="count" class="risk-backtest__used"' in html
    # the rule's figures: the weekly difference's interval reaches below zero
    assert "1.0 percentage points a week on average (95% interval -3.0 to 5.0, 26 weeks)" in html


def test_without_a_backtest_the_count_ranks_and_the_page_says_it_is_untested(client_for, personas, scored):
    html = client_for("national").get(URL).content.decode()
    assert "The risk model has not been backtested yet." in html
    assert "No backtest has been computed yet." in html


def test_model_ranking_orders_by_score(client_for, personas, territory, scored, trusted):
    html = client_for("national").get(URL).content.decode()
    assert _order(html, territory) == ["17010001", "17010003", "17020001", "17010002"]


def test_the_page_before_any_score_says_so(client_for, personas):
    html = client_for("national").get(URL).content.decode()
    assert "No risk scores have been computed yet." in html


@pytest.mark.parametrize("persona", ["inspector", "social_worker", "operator", "registrar", "nobody"])
def test_roles_without_the_ranking_get_404(client_for, personas, scored, persona):
    assert client_for(persona).get(URL).status_code == 404


def test_anonymous_is_sent_to_sign_in(client_for, territory):
    assert client_for("anonymous").get(URL).status_code == 302


def test_htmx_asks_for_the_rows_only(client_for, personas, scored, trusted):
    response = client_for("national").get(URL, HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert "<table" in html and "<html" not in html
    assert "HX-Request" in response["Vary"]


def test_a_bad_week_is_refused(client_for, personas, scored):
    response = client_for("national").get(URL, {"week": "2026-W99"})
    assert response.status_code == 400


def test_an_earlier_week_is_shown_when_asked(client_for, personas, territory, scored):
    import datetime

    earlier = scored.week - datetime.timedelta(days=7)
    RiskScore.objects.create(mahalla=territory.mahalla_a2a, week=earlier, score=1, baseline_count=1,
                             rank_national=1, rank_district=1)
    html = client_for("national").get(URL, {"week": earlier.isoformat()}).content.decode()
    assert _order(html, territory) == ["17010003"]


# --- exports ------------------------------------------------------------------------------------------------

def test_csv_export_is_the_territory_only_safe_and_audited(client_for, personas, territory, scored, hot, trusted):
    # a name typed into the territory register must not run as a formula in a spreadsheet
    Mahalla.objects.filter(pk=territory.mahalla_a1a.pk).update(name_en='=HYPERLINK("x")', name_uz='=HYPERLINK("x")')
    response = client_for("district_official").get(reverse("risk:export"), {"format": "csv"})
    assert response.status_code == 200
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert [r[2] for r in rows[1:]] == ["17010001", "17010002"]
    assert rows[1][0] == "1" and rows[1][10] == "hot"
    assert rows[1][3].endswith('=HYPERLINK("x")') and all(not cell.startswith("=") for row in rows for cell in row)
    event = AuditEvent.objects.get(action=AuditEvent.Action.EXPORT, object_type="risk.ranking")
    assert event.details["rows"] == 2 and event.details["format"] == "csv"


def test_xlsx_export_has_real_numbers_and_dates(client_for, personas, scored, untrusted):
    response = client_for("national").get(reverse("risk:export"), {"format": "xlsx"})
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert len(rows) == 5
    first = rows[1]
    assert first[2] == "17010002" and first[6] == 9 and isinstance(first[5], float)
    assert first[1].date() == scored.week
    assert first[12] == "count"


def test_export_refuses_an_unknown_format_and_other_roles(client_for, personas, scored):
    assert client_for("national").get(reverse("risk:export"), {"format": "pdf"}).status_code == 400
    assert client_for("inspector").get(reverse("risk:export"), {"format": "csv"}).status_code == 404


def test_menu_has_the_risk_entries(client_for, personas, scored):
    assert URL in client_for("district_official").get(reverse("home")).content.decode()
    field_home = client_for("inspector").get(reverse("home")).content.decode()
    assert reverse("risk:visit-plan") in field_home and f'href="{URL}"' not in field_home


def test_national_narrows_to_a_region_and_the_export_follows(client_for, personas, territory, scored, trusted):
    client = client_for("national")
    html = client.get(URL, {"region": territory.region_b.pk}).content.decode()
    assert _order(html, territory) == ["17020001"]
    assert f'<option value="{territory.region_b.pk}" selected>' in html
    assert f"region={territory.region_b.pk}" in html.split('data-risk-map-url="')[1][:80]
    response = client.get(reverse("risk:export"), {"format": "csv", "region": territory.region_b.pk})
    assert [r[2] for r in csv.reader(io.StringIO(response.content.decode("utf-8-sig")))][1:] == ["17020001"]


def test_regional_staff_narrow_to_a_district_of_theirs_only(client_for, personas, territory, scored, trusted):
    client = client_for("region_officer")
    html = client.get(URL, {"district": territory.district_a2.pk}).content.decode()
    assert _order(html, territory) == ["17010003"]
    assert 'name="district"' in html
    # another region's district is not theirs to see; a district official has no select at all
    assert client.get(URL, {"district": territory.district_b1.pk}).status_code == 404
    assert client.get(URL, {"district": "B1"}).status_code == 400
    assert 'id="id_unit"' not in client_for("district_official").get(URL).content.decode()
