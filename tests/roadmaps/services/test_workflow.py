"""draft -> submitted -> approved / returned; revisions; the frozen plan; history and notifications."""

import datetime

import pytest
from django.urls import reverse

from accounts.models import Notification
from roadmaps import services
from roadmaps.errors import RoadmapError
from roadmaps.models import ItemChange, Roadmap, RoadmapEvent, RoadmapItem

from ..conftest import YEAR, fresh

pytestmark = pytest.mark.django_db


def test_submit_notifies_regional_staff_and_approve_notifies_author(personas, roadmaps):
    roadmap = services.roadmap_submit(by=personas.district_official, roadmap=roadmaps.district_a1)

    assert roadmap.status == "submitted"
    assert Notification.objects.filter(user=personas.region_officer, kind="roadmap_submitted").count() == 1

    roadmap = services.roadmap_approve(by=personas.region_officer, roadmap=roadmap)

    assert roadmap.status == "approved" and roadmap.approved_by == personas.region_officer
    assert Notification.objects.filter(user=personas.district_official, kind="roadmap_approved").count() == 1
    assert list(roadmap.events.values_list("action", flat=True)) == ["created", "submitted", "approved"]


def test_return_requires_comments(personas, roadmaps):
    roadmap = services.roadmap_submit(by=personas.district_official, roadmap=roadmaps.district_a1)

    with pytest.raises(RoadmapError) as error:
        services.roadmap_return(by=personas.region_officer, roadmap=roadmap, comment="  ")

    assert error.value.field == "comment"
    assert Roadmap.objects.get(pk=roadmap.pk).status == "submitted"


def test_returned_roadmap_is_editable_and_can_be_resubmitted(personas, roadmaps):
    roadmap = services.roadmap_submit(by=personas.district_official, roadmap=roadmaps.district_a1)
    roadmap = services.roadmap_return(by=personas.region_officer, roadmap=roadmap,
                                      comment="Kiberxavfsizlik bo'yicha chora qo'shing")
    assert Notification.objects.get(user=personas.district_official, kind="roadmap_returned").body == \
        "Kiberxavfsizlik bo'yicha chora qo'shing"

    services.item_create(by=personas.district_official, roadmap=roadmap, focus_area="cybersecurity",
                         title="Bank kartasi firibgarligiga qarshi seminar", deadline=datetime.date(YEAR, 4, 1))
    roadmap = services.roadmap_submit(by=personas.district_official, roadmap=roadmap)

    assert roadmap.status == "submitted"
    assert roadmap.items.count() == 2


def test_return_over_http_without_comment_keeps_it_submitted(client, personas, roadmaps):
    roadmap = services.roadmap_submit(by=personas.district_official, roadmap=roadmaps.district_a1)
    client.force_login(personas.region_officer)

    response = client.post(reverse("roadmaps:return", args=[roadmap.pk]), {"comment": ""})

    assert response.status_code == 302
    assert Roadmap.objects.get(pk=roadmap.pk).status == "submitted"


def test_submit_empty_roadmap_refused(personas, territory):
    roadmap = services.roadmap_create(by=personas.district_official, territory=territory.mahalla_a1b, year=YEAR)

    with pytest.raises(RoadmapError) as error:
        services.roadmap_submit(by=personas.district_official, roadmap=roadmap)

    assert error.value.field == "items"


def _approved(personas, roadmaps):
    roadmap = services.roadmap_submit(by=personas.district_official, roadmap=roadmaps.district_a1)
    return services.roadmap_approve(by=personas.region_officer, roadmap=roadmap)


def test_approved_plan_is_immutable(personas, roadmaps):
    roadmap = _approved(personas, roadmaps)
    item = roadmap.items.get()

    for change in ({"title": "Boshqa"}, {"deadline": datetime.date(YEAR, 12, 1)}, {"focus_area": "cybersecurity"}):
        with pytest.raises(RoadmapError) as error:
            services.item_update(by=personas.district_official, item=item, **change)
        assert error.value.field == "roadmap"
    with pytest.raises(RoadmapError):
        services.item_create(by=personas.district_official, roadmap=roadmap, focus_area="outreach", title="X",
                             deadline=datetime.date(YEAR, 3, 1))
    with pytest.raises(RoadmapError):
        services.item_delete(by=personas.district_official, item=item)
    with pytest.raises(RoadmapError):
        services.item_move(by=personas.district_official, item=item, direction="down")
    assert RoadmapItem.objects.get(pk=item.pk).title == "Huquqiy savodxonlik darslari"


def test_approved_plan_edit_over_http_is_403(client, personas, roadmaps):
    roadmap = _approved(personas, roadmaps)
    client.force_login(personas.district_official)

    response = client.post(reverse("roadmaps:item_add", args=[roadmap.pk]), {
        "new-focus_area": "outreach", "new-title": "X", "new-deadline": "2026-05-01", "new-status": "planned",
        "new-progress": "0"})

    assert response.status_code == 403


def test_progress_is_reported_on_the_approved_roadmap(personas, roadmaps):
    roadmap = _approved(personas, roadmaps)
    item = roadmap.items.get()

    services.item_update(by=personas.district_official, item=item, status="in_progress", progress=40)

    item.refresh_from_db()
    assert (item.status, item.progress) == ("in_progress", 40)


def test_revision_copies_items_and_supersedes_parent_when_approved(personas, roadmaps):
    roadmap = _approved(personas, roadmaps)
    original = roadmap.items.get()

    revision = services.roadmap_revise(by=personas.district_official, roadmap=roadmap)

    assert (revision.status, revision.revision, revision.parent_id) == ("draft", 2, roadmap.pk)
    copy = revision.items.get()
    assert copy.title == original.title and copy.origin_id == original.pk
    with pytest.raises(RoadmapError):
        services.roadmap_revise(by=personas.district_official, roadmap=roadmap)  # one revision at a time

    # while the revision is prepared, progress on the roadmap in force reaches the copy
    services.item_update(by=personas.district_official, item=original, progress=70, status="in_progress")
    copy.refresh_from_db()
    assert copy.progress == 70

    services.item_update(by=personas.district_official, item=copy, title="Aniqlashtirilgan chora")
    services.roadmap_submit(by=personas.district_official, roadmap=revision)
    services.roadmap_approve(by=personas.region_officer, roadmap=revision)

    assert Roadmap.objects.get(pk=roadmap.pk).status == "superseded"
    assert Roadmap.objects.get(pk=revision.pk).status == "approved"
    assert list(Roadmap.objects.filter(district=roadmap.district, year=YEAR).in_force()) == [revision]
    assert RoadmapEvent.objects.filter(roadmap=roadmap, action="superseded").exists()


def test_pending_revision_does_not_count_as_in_force(personas, roadmaps):
    roadmap = _approved(personas, roadmaps)

    services.roadmap_revise(by=personas.district_official, roadmap=roadmap)

    assert list(Roadmap.objects.filter(district=roadmap.district).in_force()) == [roadmap]


def test_item_changes_keep_field_level_before_and_after(client, personas, roadmaps):
    item = roadmaps.district_a1.items.get()

    services.item_update(by=personas.district_official, item=item, title="Yangi nom", progress=25)

    change = ItemChange.objects.filter(item=item, action="updated").get()
    assert change.changes == {"title": ["Huquqiy savodxonlik darslari", "Yangi nom"], "progress": [0, 25]}
    client.force_login(personas.district_official)
    page = client.get(reverse("roadmaps:item", args=[item.pk])).content.decode()
    assert "<del>Huquqiy savodxonlik darslari</del>" in page and "<ins>Yangi nom</ins>" in page


def test_history_page_lists_workflow_and_changes(client, personas, roadmaps):
    services.roadmap_submit(by=personas.district_official, roadmap=roadmaps.district_a1)
    client.force_login(personas.region_officer)

    response = client.get(reverse("roadmaps:history", args=[roadmaps.district_a1.pk]))

    assert response.status_code == 200
    assert len(response.context["events"]) == 2 and len(response.context["changes"]) == 1


def test_reorder_and_duplicate_keep_positions_dense(personas, roadmaps):
    roadmap = roadmaps.district_a1
    first = roadmap.items.get()
    second = services.item_create(by=personas.district_official, roadmap=roadmap, focus_area="social_services",
                                  title="Ikkinchi", deadline=datetime.date(YEAR, 8, 1))

    services.item_move(by=personas.district_official, item=second, direction="up")
    copy = services.item_duplicate(by=personas.district_official, item=second)

    titles = list(roadmap.items.order_by("position").values_list("title", "position"))
    assert titles == [("Ikkinchi", 0), ("Ikkinchi", 1), (first.title, 2)]
    assert copy.position == 1
    services.item_delete(by=personas.district_official, item=copy)
    assert list(roadmap.items.order_by("position").values_list("position", flat=True)) == [0, 1]


def test_same_measure_for_many_mahallas_creates_missing_drafts(personas, territory, roadmaps):
    items = services.items_create_for_mahallas(
        by=personas.district_official, district=territory.district_a1, year=YEAR,
        mahallas=[territory.mahalla_a1a, territory.mahalla_a1b], focus_area="digital_monitoring",
        title="Mahalla kirishida yuzni taniydigan kamera", deadline=datetime.date(YEAR, 9, 1))

    assert len(items) == 2
    assert items[0].roadmap == roadmaps.mahalla_a1a
    created = Roadmap.objects.get(mahalla=territory.mahalla_a1b, year=YEAR)
    assert created.status == "draft" and created.items.count() == 1


def test_same_measure_stops_everything_if_one_roadmap_is_submitted(personas, territory, roadmaps):
    services.roadmap_submit(by=personas.district_official, roadmap=roadmaps.mahalla_a1a)

    with pytest.raises(RoadmapError) as error:
        services.items_create_for_mahallas(
            by=personas.district_official, district=territory.district_a1, year=YEAR,
            mahallas=[territory.mahalla_a1b, territory.mahalla_a1a], focus_area="outreach", title="X",
            deadline=datetime.date(YEAR, 9, 1))

    assert error.value.field == "mahallas"
    assert not Roadmap.objects.filter(mahalla=territory.mahalla_a1b).exists()


def test_start_district_roadmap_from_regional_template(personas, territory):
    from roadmaps.models import RoadmapTemplate, RoadmapTemplateItem

    template = RoadmapTemplate.objects.create(region=territory.region_a, name="Viloyat namunasi",
                                              created_by=personas.region_officer)
    RoadmapTemplateItem.objects.create(template=template, focus_area="law_enforcement", position=0,
                                       title="Patrul xizmatini kuchaytirish", deadline_days=90)
    RoadmapTemplateItem.objects.create(template=template, focus_area="cybersecurity", position=1,
                                       title="Kiberxavfsizlik darslari", deadline_days=200)
    other = RoadmapTemplate.objects.create(region=territory.region_b, name="Boshqa", created_by=personas.national)

    roadmap = services.roadmap_start_from_template(by=personas.district_official, district=territory.district_a1,
                                                   year=YEAR + 1, template=template)

    assert roadmap.district == territory.district_a1
    assert list(roadmap.items.values_list("title", "deadline")) == [
        ("Patrul xizmatini kuchaytirish", datetime.date(YEAR + 1, 4, 1)),
        ("Kiberxavfsizlik darslari", datetime.date(YEAR + 1, 7, 20))]
    with pytest.raises(RoadmapError):
        services.roadmap_start_from_template(by=personas.district_official, district=territory.district_a1,
                                             year=YEAR + 1, template=other)


def test_red_mahalla_senior_official_and_reviews(client, personas, roadmaps):
    roadmap = roadmaps.mahalla_a1a
    with pytest.raises(RoadmapError) as error:
        services.roadmap_update(by=personas.district_official, roadmap=roadmap, senior_official_name="A. Karimov")
    assert error.value.field == "review_frequency"

    services.roadmap_update(by=personas.district_official, roadmap=roadmap, senior_official_name="A. Karimov",
                            senior_official_post="Ichki ishlar vaziri o'rinbosari", review_frequency="monthly")
    services.review_add(by=personas.district_official, roadmap=roadmap, held_on=datetime.date(2026, 1, 15),
                        held_by="", decisions="Kamera o'rnatish muddati qisqartirilsin")

    client.force_login(fresh(personas.inspector))
    page = client.get(reverse("roadmaps:detail", args=[roadmap.pk])).content.decode()
    assert "A. Karimov" in page and "Kamera o&#x27;rnatish muddati qisqartirilsin" in page
    assert roadmap.reviews.get().held_by == "A. Karimov"


def test_item_validation_names_the_field(personas, roadmaps):
    roadmap = roadmaps.district_a1
    cases = [({"progress": 150}, "progress"), ({"title": ""}, "title"), ({"focus_area": "sport"}, "focus_area"),
             ({"deadline": "31.02.2026"}, "deadline"),
             ({"start_on": datetime.date(YEAR, 5, 1), "deadline": datetime.date(YEAR, 4, 1)}, "deadline")]
    for change, field in cases:
        data = {"focus_area": "outreach", "title": "X", "deadline": datetime.date(YEAR, 5, 1), **change}
        with pytest.raises(RoadmapError) as error:
            services.item_create(by=personas.district_official, roadmap=roadmap, **data)
        assert error.value.field == field, change
