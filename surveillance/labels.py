"""Event types and object labels in words: the one mapping every surveillance page and the API's display fields
use. Vendors send codes (Hikvision event types, Frigate object labels, our JSON's event types); the codes stay
in the API's code fields and on the alert page's "as received" panel, words go everywhere else. A code nobody
listed here is shown as "Other event (code)", never bare, so no page mixes a raw code into a translated title.
"""

from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

# Event types: what the analytics say happened.
EVENT_TYPES = {
    "vmd": _("motion"), "motion": _("motion"), "linedetection": _("line crossing"),
    "fielddetection": _("intrusion"), "intrusion": _("intrusion"), "trespass": _("intrusion"),
    "regionentrance": _("region entrance"), "regionexiting": _("region exit"), "loitering": _("loitering"),
    "fight": _("fight"), "violentmotion": _("fight"), "weapon": _("weapon"),
    "drug_dealing": _("suspected drug dealing"), "facesnap": _("face captured"),
    "crowd": _("crowd"), "peoplegathering": _("crowd"), "vandalism": _("vandalism"), "theft": _("theft"),
    "robbery": _("robbery"), "vehicle": _("vehicle"), "vehicle_theft": _("vehicle theft"),
    "person": _("person"), "car": _("car"),
    # Hikvision's device and NVR events (ISAPI eventType, lower-cased by the adapter).
    "shelteralarm": _("camera covered (tamper)"), "tamperdetection": _("camera covered (tamper)"),
    "defocus": _("camera out of focus"), "scenechangedetection": _("camera moved (scene change)"),
    "videoloss": _("video lost"), "io": _("alarm input"), "pir": _("motion (PIR sensor)"),
    "anpr": _("number plate read"), "facedetection": _("face detected"), "vehicledetection": _("vehicle detected"),
    "unattendedbaggage": _("object left behind"), "attendedbaggage": _("object removed"),
    # ONVIF's topic families, as vendors/onvif.py names them (line crossing, field and motion reuse codes above).
    "tamper": _("camera tampered with"), "objectdetection": _("object detected"),
}
# Object labels: what the analytics saw (Hikvision's target types, Frigate's labels).
OBJECT_LABELS = {
    "person": _("person"), "human": _("person"), "face": _("face"), "car": _("car"), "vehicle": _("vehicle"),
    "truck": _("vehicle"), "bus": _("vehicle"), "motorcycle": _("vehicle"), "bicycle": _("vehicle"),
    "dog": _("animal"), "cat": _("animal"), "bird": _("animal"), "animal": _("animal"),
    "weapon": _("weapon"), "knife": _("weapon"), "gun": _("weapon"), "fight": _("fight"), "crowd": _("crowd"),
    "theft": _("theft"), "robbery": _("robbery"), "drug_dealing": _("suspected drug dealing"),
}


def _code(value) -> str:
    return (value or "").strip().lower()


def event_type_label(code: str) -> str:
    key = _code(code)
    if not key:
        return ""
    known = EVENT_TYPES.get(key)
    return str(known) if known is not None else gettext("Other event (%(code)s)") % {"code": code}


def object_label(code: str, event_type: str = "") -> str:
    """The object seen, in words; empty when it only repeats the event type ("fight" seen in a "fight")."""
    key = _code(code)
    if not key or key == _code(event_type):
        return ""
    known = OBJECT_LABELS.get(key) or EVENT_TYPES.get(key)
    text = str(known) if known is not None else gettext("Other object (%(code)s)") % {"code": code}
    return "" if text == event_type_label(event_type) else text


def alert_title(event_type: str, label: str = "") -> str:
    """"Intrusion · person": the event in words, then the object seen when it adds something."""
    event = event_type_label(event_type)
    title = event[:1].upper() + event[1:]
    thing = object_label(label, event_type)
    return f"{title} · {thing}" if thing else title
