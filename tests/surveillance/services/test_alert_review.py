"""Alert review (issue 16): event types and labels in words, the suggested incident category from the
administrators' table, dismiss reason codes and the figures counted by them, the next alert of the queue."""

import pytest
from django.http import QueryDict
from django.utils import translation

from incidents.models import IncidentCategory
from surveillance import labels, selectors, services
from surveillance.errors import SurveillanceError
from surveillance.models import Alert, AlertCategoryRule
from tests.surveillance.review_support import alerts_stored, camera_categories

pytestmark = pytest.mark.django_db
R = Alert.DismissReason


@pytest.fixture
def alerts(site):
    camera_categories()
    return alerts_stored(site, {"key": "weapon", "event_type": "weapon", "label": "weapon", "minutes_ago": 30},
                         {"key": "fight", "event_type": "fight", "label": "fight", "minutes_ago": 20},
                         {"key": "intrusion", "event_type": "intrusion", "label": "person", "minutes_ago": 10},
                         {"key": "loitering", "event_type": "loitering", "label": "person", "minutes_ago": 5},
                         {"key": "odd", "event_type": "hat_missing", "minutes_ago": 3})


@pytest.mark.parametrize(("language", "event_type", "label", "title"), [
    ("en", "intrusion", "person", "Intrusion · person"),
    ("ru", "intrusion", "person", "Вторжение · человек"),
    ("uz", "intrusion", "person", "Ruxsatsiz kirish · odam"),
    ("uz", "fight", "fight", "Mushtlashuv"),
    ("ru", "crowd", "crowd", "Скопление людей"),
    ("en", "fielddetection", "human", "Intrusion · person"),
    ("en", "hat_missing", "", "Other event (hat_missing)"),
    ("ru", "hat_missing", "", "Другое событие (hat_missing)"),
    ("en", "vmd", "vmd", "Motion"),
])
def test_alert_title_is_in_words_without_doubling(language, event_type, label, title):
    with translation.override(language):
        assert labels.alert_title(event_type, label) == title


def test_no_code_reaches_a_title_in_any_language():
    for language in ("uz", "ru"):
        with translation.override(language):
            for code in [*labels.EVENT_TYPES, *labels.OBJECT_LABELS]:
                assert code not in (labels.event_type_label(code), labels.object_label(code)), (language, code)


def test_confirming_a_weapon_alert_proposes_the_weapon_category(alerts, personas):
    assert alerts["weapon"].suggested_category_code == "weapons-carrying"

    alert = services.alert_confirm(by=personas.operator, alert=alerts["weapon"])

    category = alert.incident.category
    assert category.code == "weapons-carrying" and category.parent.code == "weapons"
    assert "weapon weapon" not in alert.incident.description


def test_camera_categories_sit_under_their_groups(alerts):
    parents = dict(IncidentCategory.objects.filter(code__in=[
        "hooliganism-fight", "hooliganism-disorder", "hooliganism-vandalism", "theft-break-in", "theft-vehicle",
        "weapons-carrying"]).values_list("code", "parent__code"))
    assert parents == {"hooliganism-fight": "hooliganism", "hooliganism-disorder": "hooliganism",
                       "hooliganism-vandalism": "hooliganism", "theft-break-in": "theft",
                       "theft-vehicle": "theft", "weapons-carrying": "weapons"}
    assert all(c.name_uz and c.name_ru and c.name_en for c in IncidentCategory.objects.all())


def test_an_edited_rule_changes_the_suggestion(alerts):
    assert alerts["loitering"].suggested_category_code == "other"  # no rule: the built-in mapping

    AlertCategoryRule.objects.create(event_type="Loitering", object_label="person",
                                     category=IncidentCategory.objects.get(code="theft-break-in"))
    rule = AlertCategoryRule.objects.get(event_type="fight", object_label="")
    rule.category = IncidentCategory.objects.get(code="assault")
    rule.save()

    assert alerts["loitering"].suggested_category_code == "theft-break-in"
    assert alerts["fight"].suggested_category_code == "assault"


def test_the_precise_rule_wins_and_the_object_seen_beats_the_trigger(alerts):
    category = IncidentCategory.objects.get
    AlertCategoryRule.objects.create(event_type="linedetection", category=category(code="theft-break-in"))
    assert AlertCategoryRule.matching("linedetection", "weapon").category.code == "weapons-carrying"
    AlertCategoryRule.objects.create(event_type="linedetection", object_label="weapon",
                                     category=category(code="robbery"))
    assert AlertCategoryRule.matching("linedetection", "weapon").category.code == "robbery"
    assert AlertCategoryRule.matching("linedetection", "").category.code == "theft-break-in"


def test_without_the_table_the_suggestion_falls_back_to_the_built_in_mapping(alerts):
    AlertCategoryRule.objects.all().delete()
    assert alerts["fight"].suggested_category_code == "hooliganism"


def test_dismiss_stores_the_reason_code_and_text(alerts, personas):
    alert = services.alert_dismiss(by=personas.operator, alert=alerts["loitering"], code=R.ANIMAL,
                                   reason="a stray dog")
    alert.refresh_from_db()
    assert (alert.status, alert.dismiss_code, alert.dismiss_reason) == ("dismissed", "animal", "a stray dog")


def test_dismiss_with_text_only_is_other_and_other_needs_text(alerts, personas):
    with pytest.raises(SurveillanceError) as refused:
        services.alert_dismiss(by=personas.operator, alert=alerts["odd"], code=R.OTHER)
    assert refused.value.field == "reason"
    with pytest.raises(SurveillanceError):
        services.alert_dismiss(by=personas.operator, alert=alerts["odd"], code="bogus", reason="x")

    alert = services.alert_dismiss(by=personas.operator, alert=alerts["odd"], reason="cleaner's bucket")
    assert alert.dismiss_code == R.OTHER


def test_false_positive_figures_count_by_reason_code(alerts, personas):
    by = personas.operator
    services.alert_dismiss(by=by, alert=alerts["loitering"], code=R.SHADOW)
    services.alert_dismiss(by=by, alert=alerts["intrusion"], code=R.SHADOW, reason="headlights")
    services.alert_dismiss(by=by, alert=alerts["odd"], code=R.TEST)
    services.alert_confirm(by=by, alert=alerts["fight"])

    rates = selectors.false_positive_rates(user=by)

    assert [(r["code"], r["dismissed"], r["share"]) for r in rates["by_reason"]] == [
        ("shadow", 2, round(2 / 3, 4)), ("test", 1, round(1 / 3, 4))]
    assert {r["event_type"]: r["dismissed"] for r in rates["by_event_type"]}["loitering"] == 1


def test_next_alert_follows_the_queue_order_and_counts_who_waits(alerts, personas):
    # the queue: urgent first (weapon 30 min ago, fight 20), then newest first (odd, loitering, intrusion)
    user = personas.operator
    order = [a.pk for a in Alert.objects.awaiting_review().filter(camera__isnull=False).order_by(
        "-is_urgent", "-started_at", "-id")]
    assert order[0] in (alerts["fight"].pk, alerts["weapon"].pk)

    following, waiting = selectors.alert_next(user=user, alert=Alert.objects.get(pk=order[0]), filters={})
    assert following.pk == order[1] and waiting == len(order) - 1
    # the last one wraps round to the top
    following, _waiting = selectors.alert_next(user=user, alert=Alert.objects.get(pk=order[-1]), filters={})
    assert following.pk == order[0]


def test_next_alert_keeps_the_queue_filters_and_skips_decided_ones(alerts, personas):
    user = personas.operator
    services.alert_dismiss(by=user, alert=alerts["loitering"], code=R.SHADOW)

    following, waiting = selectors.alert_next(user=user, alert=alerts["weapon"],
                                              filters=QueryDict("event_type=intrusion"))
    assert following.pk == alerts["intrusion"].pk and waiting == 1
    following, waiting = selectors.alert_next(user=user, alert=alerts["intrusion"],
                                              filters=QueryDict("event_type=loitering"))
    assert following is None and waiting == 0
