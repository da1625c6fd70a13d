"""Excel round-trip (export, blank template, import with a row-by-row report) and evidence uploads."""

import datetime
import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from audit.models import AuditEvent
from roadmaps import services
from roadmaps.errors import RoadmapError
from roadmaps.evidence import MAX_EVIDENCE_BYTES
from roadmaps.models import Evidence

from .conftest import YEAR

pytestmark = pytest.mark.django_db
HEADER = ["Focus area", "Measure", "Description", "Responsible organisation", "Responsible person", "Start",
          "Deadline", "Status", "Progress, %", "KPI indicator", "KPI unit", "KPI baseline", "KPI target"]


def xlsx(rows, name="items.xlsx") -> SimpleUploadedFile:
    wb = Workbook()
    ws = wb.active
    ws.append(HEADER)
    for row in rows:
        ws.append(row)
    out = io.BytesIO()
    wb.save(out)
    return SimpleUploadedFile(name, out.getvalue(), content_type="application/octet-stream")


GOOD = ["Educational outreach and legal literacy", "Maktablarda huquqiy savodxonlik darslari", "", "IIB", "",
        datetime.date(YEAR, 2, 1), datetime.date(YEAR, 5, 31), "planned", 0, "Darslar soni", "ta", 0, 12]


def test_export_opens_with_openpyxl_and_has_the_items(client, personas, roadmaps):
    roadmap = roadmaps.district_a1
    services.item_create(by=personas.district_official, roadmap=roadmap, focus_area="cybersecurity",
                         title="=HYPERLINK(\"x\")", deadline=datetime.date(YEAR, 9, 1))
    client.force_login(personas.region_officer)

    response = client.get(reverse("roadmaps:export", args=[roadmap.pk]), HTTP_ACCEPT_LANGUAGE="en")

    assert response.status_code == 200
    ws = load_workbook(io.BytesIO(response.content)).active
    values = [[c for c in row] for row in ws.iter_rows(values_only=True)]
    flat = [str(v) for row in values for v in row if v is not None]
    assert "Huquqiy savodxonlik darslari" in flat
    assert "'=HYPERLINK(\"x\")" in flat  # never a live formula
    assert any("Birinchi tumani" in v for v in flat)
    header = next(row for row in values if row[0] == "No")
    assert list(header) == ["No", "Focus area", "Measure", "Responsible", "Start", "Deadline", "Status",
                            "Progress, %", "KPIs"]
    assert AuditEvent.objects.filter(action="export", object_id=str(roadmap.pk)).exists()


def test_api_export_out_of_scope_is_404(client_for, personas, roadmaps):
    url = f"/api/v1/roadmaps/{roadmaps.district_a1.pk}/export.xlsx"
    assert client_for(personas.outsider).get(url).status_code == 404


def test_blank_template_downloads_and_round_trips(client, personas, roadmaps):
    client.force_login(personas.district_official)
    template = client.get(reverse("roadmaps:import_template"))
    upload = SimpleUploadedFile("t.xlsx", template.content)

    response = client.post(reverse("roadmaps:import", args=[roadmaps.district_a1.pk]), {"file": upload})

    assert response.status_code == 302  # the example row is valid
    assert roadmaps.district_a1.items.count() == 2


def test_import_valid_rows_creates_items_and_kpis(client, personas, roadmaps):
    client.force_login(personas.district_official)
    second = ["CYBERSECURITY", "Bank kartasi firibgarligi bo'yicha uchrashuvlar", "", "", "", "01.03.2026",
              "2026-06-30", "In progress", 10, "", "", "", ""]

    response = client.post(reverse("roadmaps:import", args=[roadmaps.district_a1.pk]),
                           {"file": xlsx([GOOD, second])})

    assert response.status_code == 302
    titles = list(roadmaps.district_a1.items.order_by("position").values_list("title", flat=True))
    assert titles[1:] == ["Maktablarda huquqiy savodxonlik darslari",
                          "Bank kartasi firibgarligi bo'yicha uchrashuvlar"]
    assert roadmaps.district_a1.items.get(position=1).kpis.get().target == 12


def test_import_reports_every_bad_row_and_imports_nothing(client, personas, roadmaps):
    client.force_login(personas.district_official)
    rows = [
        GOOD,
        [*GOOD[:6], "31.02.2026", *GOOD[7:]],  # bad date
        ["Sport", *GOOD[1:]],  # unknown focus area
        [*GOOD[:8], 150, *GOOD[9:]],  # progress 150
        [GOOD[0], "", *GOOD[2:]],  # missing title
    ]

    response = client.post(reverse("roadmaps:import", args=[roadmaps.district_a1.pk]), {"file": xlsx(rows)},
                           HTTP_ACCEPT_LANGUAGE="en")

    assert response.status_code == 400
    errors = [(e["row"], e["column"]) for e in response.context["errors"]]
    assert errors == [(3, "Deadline"), (4, "Focus area"), (5, "Progress, %"), (6, "Measure")]
    assert roadmaps.district_a1.items.count() == 1  # nothing imported
    assert "Nothing was imported" in response.content.decode()


def test_import_refuses_a_file_that_is_not_a_workbook(client, personas, roadmaps):
    client.force_login(personas.district_official)

    response = client.post(reverse("roadmaps:import", args=[roadmaps.district_a1.pk]),
                           {"file": SimpleUploadedFile("x.xlsx", b"not a zip")})

    assert response.status_code == 400
    assert response.context["form"].errors["file"]


def test_import_limits_rows(personas, roadmaps, monkeypatch):
    from roadmaps import excel

    monkeypatch.setattr(excel, "MAX_IMPORT_ROWS", 2)
    with pytest.raises(RoadmapError) as error:
        excel.parse_items(xlsx([GOOD, GOOD, GOOD]))
    assert error.value.field == "file"


def _zip_bomb(member: str, size: int) -> SimpleUploadedFile:
    """A valid workbook plus one member of `size` zero bytes: a few kilobytes packed."""
    packed = io.BytesIO(xlsx([GOOD]).read())
    with zipfile.ZipFile(packed, "a", compression=zipfile.ZIP_DEFLATED) as archive, \
            archive.open(member, "w", force_zip64=True) as out:
        chunk = b"\0" * (1024 * 1024)
        for _ in range(size // len(chunk)):
            out.write(chunk)
    return SimpleUploadedFile("bomb.xlsx", packed.getvalue(), content_type="application/octet-stream")


@pytest.mark.parametrize(("member", "size"), [("xl/media/padding.bin", 40 * 1024 * 1024),
                                              ("xl/sharedStrings.xml", 9 * 1024 * 1024)])
def test_import_refuses_a_workbook_that_unpacks_too_large_before_reading_it(personas, roadmaps, member, size,
                                                                             monkeypatch):
    from roadmaps import excel

    upload = _zip_bomb(member, size)
    assert upload.size < excel.MAX_IMPORT_BYTES  # the packed size alone lets it through
    monkeypatch.setattr(excel, "load_workbook", lambda *a, **k: pytest.fail("openpyxl must not open it"))
    with pytest.raises(RoadmapError) as error:
        excel.parse_items(upload)
    limits = {str(excel.MAX_UNPACKED_BYTES // 2**20), str(excel.MAX_SHARED_STRINGS_BYTES // 2**20)}
    assert error.value.field == "file" and any(limit in str(error.value.message) for limit in limits)


# --- evidence ---------------------------------------------------------------------------------------

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
PDF = b"%PDF-1.7\n%\xe2\xe3\n1 0 obj\n<<>>\nendobj\n"


def docx_bytes() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<w:document/>")
    return out.getvalue()


@pytest.mark.parametrize(("name", "content"), [("act.pdf", PDF), ("photo.png", PNG), ("report.docx", None)])
def test_evidence_upload_allowed_types(settings, tmp_path, personas, roadmaps, name, content):
    settings.MEDIA_ROOT = tmp_path
    item = roadmaps.district_a1.items.get()
    upload = SimpleUploadedFile(name, content if content is not None else docx_bytes())

    evidence = services.evidence_add_file(by=personas.district_official, item=item, upload=upload)

    assert evidence.size == upload.size and evidence.original_name == name


@pytest.mark.parametrize(("name", "content"), [
    ("virus.exe", b"MZ\x90\x00"),  # not an allowed extension
    ("fake.pdf", b"MZ\x90\x00 this is an executable"),  # allowed extension, wrong content
    ("photo.png", PDF),  # a PDF pretending to be a PNG
    ("report.docx", b"PK\x03\x04 broken zip"),
])
def test_evidence_upload_wrong_type_refused(settings, tmp_path, personas, roadmaps, name, content):
    settings.MEDIA_ROOT = tmp_path
    item = roadmaps.district_a1.items.get()

    with pytest.raises(RoadmapError) as error:
        services.evidence_add_file(by=personas.district_official, item=item,
                                   upload=SimpleUploadedFile(name, content))

    assert error.value.field == "file"
    assert not Evidence.objects.exists()


def test_evidence_upload_too_large_refused(settings, tmp_path, personas, roadmaps):
    settings.MEDIA_ROOT = tmp_path
    item = roadmaps.district_a1.items.get()
    upload = SimpleUploadedFile("big.pdf", PDF + b"0" * MAX_EVIDENCE_BYTES)

    with pytest.raises(RoadmapError) as error:
        services.evidence_add_file(by=personas.district_official, item=item, upload=upload)

    assert error.value.field == "file" and "10 MB" in str(error.value.message)


def test_evidence_file_is_served_only_in_scope(settings, tmp_path, client, personas, roadmaps):
    settings.MEDIA_ROOT = tmp_path
    item = roadmaps.mahalla_a1a.items.get()
    evidence = services.evidence_add_file(by=personas.district_official, item=item,
                                          upload=SimpleUploadedFile("act.pdf", PDF))
    url = reverse("roadmaps:evidence_file", args=[evidence.pk])

    client.force_login(personas.inspector)
    ok = client.get(url)
    client.force_login(personas.outsider)
    hidden = client.get(url)

    assert ok.status_code == 200 and b"".join(ok.streaming_content) == PDF
    assert ok["Content-Disposition"].startswith("attachment")
    assert hidden.status_code == 404


def test_evidence_links_only_to_visible_incidents(personas, territory, roadmaps):
    from django.utils import timezone

    from incidents.models import Incident, IncidentCategory

    category = IncidentCategory.objects.first() or IncidentCategory.objects.create(code="theft", name_uz="O'g'rilik")
    now = timezone.now()
    mine = Incident.objects.create(mahalla=territory.mahalla_a1a, category=category, occurred_at=now,
                                   reported_at=now, created_by=personas.district_official)
    elsewhere = Incident.objects.create(mahalla=territory.mahalla_b1a, category=category, occurred_at=now,
                                        reported_at=now, created_by=personas.outsider)
    item = roadmaps.mahalla_a1a.items.get()

    evidence = services.evidence_add_link(by=personas.district_official, item=item, kind="incident",
                                          linked_id=mine.pk)
    with pytest.raises(RoadmapError) as error:
        services.evidence_add_link(by=personas.district_official, item=item, kind="incident",
                                   linked_id=elsewhere.pk)

    assert evidence.linked_id == mine.pk
    assert error.value.field == "linked_id"
