"""Evidence checks: what an uploaded file really is, and which linked field-work records a user may cite.

Uploaded files are identified by their first bytes (and, for the Office formats, by the parts inside the ZIP),
never by the name or the browser's content type alone: a renamed executable is refused.

Linked records: roadmaps sits beside `incidents` in the layers, and this module is its only reader of it (a
sideways read, no foreign key): evidence stores (kind, id), and both the check on write and the display on read
resolve the id through `incidents`' own `visible_to(user)`, so a link never reveals a record its reader may not
see, and neither app's migrations depend on the other.
"""

from __future__ import annotations

import zipfile

from django.utils.translation import gettext as _

from .errors import RoadmapError

MAX_EVIDENCE_BYTES = 10 * 1024 * 1024

# extension -> content type; the bytes must agree with the extension.
ALLOWED = {
    "pdf": "application/pdf",
    "jpg": "image/jpeg",
    "jpeg": "image/jpeg",
    "png": "image/png",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def sniff(upload) -> str | None:
    """The content type the bytes say, or None if it is none of the allowed ones."""
    upload.seek(0)
    head = upload.read(8)
    upload.seek(0)
    if head.startswith(b"%PDF-"):
        return ALLOWED["pdf"]
    if head.startswith(b"\xff\xd8\xff"):
        return ALLOWED["jpg"]
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return ALLOWED["png"]
    if head.startswith(b"PK\x03\x04"):
        try:
            with zipfile.ZipFile(upload) as archive:
                names = set(archive.namelist())
        except (zipfile.BadZipFile, OSError, ValueError):
            return None
        finally:
            upload.seek(0)
        if "[Content_Types].xml" not in names:
            return None
        if "word/document.xml" in names:
            return ALLOWED["docx"]
        if "xl/workbook.xml" in names:
            return ALLOWED["xlsx"]
    return None


def check_upload(upload) -> str:
    """The verified content type of an allowed upload; RoadmapError("file", ...) otherwise."""
    if upload is None:
        raise RoadmapError("file", _("Choose a file."))
    if upload.size > MAX_EVIDENCE_BYTES:
        raise RoadmapError("file", _("The file is too large: at most %(mb)d MB.")
                           % {"mb": MAX_EVIDENCE_BYTES // (1024 * 1024)})
    name = (getattr(upload, "name", "") or "").lower()
    ext = name.rsplit(".", 1)[-1] if "." in name else ""
    if ext not in ALLOWED:
        raise RoadmapError("file", _("Allowed files: PDF, JPG, PNG, DOCX, XLSX."))
    detected = sniff(upload)
    if detected is None or detected != ALLOWED[ext]:
        raise RoadmapError("file", _("The file's content is not a %(ext)s file.") % {"ext": ext.upper()})
    return detected


def _models():
    from incidents.models import FieldVisit, Incident

    return {"field_visit": FieldVisit, "incident": Incident}


def linked_record(user, kind: str, pk: int):
    model = _models().get(kind)
    if model is None:
        return None
    return model.objects.visible_to(user).filter(pk=pk).first()


def linked_records(user, evidence_rows) -> dict[tuple[str, int], object]:
    """{(kind, id): record} for the links among `evidence_rows` that `user` may see: one query per kind."""
    wanted: dict[str, set[int]] = {}
    for row in evidence_rows:
        if row.linked_id:
            wanted.setdefault(row.kind, set()).add(row.linked_id)
    found = {}
    for kind, ids in wanted.items():
        model = _models().get(kind)
        if model is None:
            continue
        for record in model.objects.visible_to(user).filter(pk__in=sorted(ids)).select_related("mahalla").defer(
                "mahalla__boundary"):
            found[(kind, record.pk)] = record
    return found
