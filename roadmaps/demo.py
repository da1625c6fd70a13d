"""A demo prevention roadmap: the demo district's roadmap for this year, built, submitted and approved through the
services as the district official and the regional approver would, then partly carried out, with some measures past
their deadline; and next year's plan, submitted and waiting for the region's approval (what the regional home page
lists first). Loaded once: a district that already has a roadmap for the year keeps it."""

from __future__ import annotations

import datetime

from accounts.models import User
from core.dates import today

from .models import FocusArea, ItemStatus, Roadmap
from .services import item_create, item_update, roadmap_approve, roadmap_create, roadmap_submit

# (focus area, title, responsible organisation, deadline month, status, progress): content is Uzbek, as filed.
ITEMS = [
    (FocusArea.CYBERSECURITY, "Bank kartasi firibgarligi bo'yicha har bir mahallada uchrashuvlar", "Tuman IIB", 3,
     ItemStatus.DONE, 100),
    (FocusArea.CYBERSECURITY, "Maktablarda kiberxavfsizlik darslari (8–11-sinflar)", "Tuman xalq ta'limi bo'limi", 5,
     ItemStatus.DONE, 100),
    (FocusArea.DIGITAL_MONITORING, "Mahalla kirishlariga yuzni taniydigan kameralar o'rnatish", "Tuman hokimligi", 9,
     ItemStatus.IN_PROGRESS, 60),
    (FocusArea.DIGITAL_MONITORING, "Bozor va bekatlardagi kameralarni monitoring markaziga ulash", "Tuman IIB", 11,
     ItemStatus.IN_PROGRESS, 40),
    (FocusArea.OUTREACH, "Yoshlar bilan huquqiy savodxonlik uchrashuvlari (oyiga bir marta)", "Yoshlar ittifoqi",
     12, ItemStatus.IN_PROGRESS, 75),
    (FocusArea.SOCIAL_SERVICES, "Nizoli oilalar bilan yakka tartibda ishlash", "Mahalla yettiligi", 6,
     ItemStatus.IN_PROGRESS, 50),
    (FocusArea.SOCIAL_SERVICES, "Ishsiz yoshlarni kasb-hunar kurslariga jalb qilish", "Bandlik markazi", 12,
     ItemStatus.PLANNED, 0),
    (FocusArea.LAW_ENFORCEMENT, "Har bir mahallaga profilaktika inspektorini biriktirish", "Tuman IIB", 8,
     ItemStatus.IN_PROGRESS, 85),
]


# Next year's plan, drafted in December and waiting for the region.
NEXT_YEAR_ITEMS = [
    (FocusArea.CYBERSECURITY, "Pensionerlar uchun telefon firibgarligidan saqlanish darslari", "Tuman IIB", 3),
    (FocusArea.OUTREACH, "Har chorakda mahalla yig'inlarida profilaktika hisobotlari", "Tuman hokimligi", 12),
    (FocusArea.SOCIAL_SERVICES, "Voyaga yetmaganlar bilan ishlash bo'yicha yakka rejalar", "Mahalla yettiligi", 6),
]


def _next_year_submitted(*, district_official: User) -> Roadmap | None:
    year = today().year + 1
    district = district_official.district
    if Roadmap.objects.filter(district=district, year=year).exists():
        return None
    roadmap = roadmap_create(by=district_official, territory=district, year=year,
                             title=f"{district.name}: jinoyatchiliksiz mahalla yo'l xaritasi {year}")
    for focus, title, organisation, month in NEXT_YEAR_ITEMS:
        item_create(by=district_official, roadmap=roadmap, focus_area=focus, title=title,
                    responsible_organisation=organisation, start_on=datetime.date(year, 1, 15),
                    deadline=datetime.date(year, month, 28))
    return roadmap_submit(by=district_official, roadmap=roadmap)


def demo_roadmap_load(*, district_official: User, approver: User) -> Roadmap | None:
    _next_year_submitted(district_official=district_official)
    return _this_year_approved(district_official=district_official, approver=approver)


def _this_year_approved(*, district_official: User, approver: User) -> Roadmap | None:
    year = today().year
    district = district_official.district
    if Roadmap.objects.filter(district=district, year=year).exists():
        return None
    roadmap = roadmap_create(by=district_official, territory=district, year=year,
                             title=f"{district.name}: jinoyatchiliksiz mahalla yo'l xaritasi {year}")
    items = []
    for focus, title, organisation, month, _status, _progress in ITEMS:
        items.append(item_create(by=district_official, roadmap=roadmap, focus_area=focus, title=title,
                                 responsible_organisation=organisation, start_on=datetime.date(year, 1, 15),
                                 deadline=datetime.date(year, month, 28)))
    roadmap_submit(by=district_official, roadmap=roadmap)
    roadmap = roadmap_approve(by=approver, roadmap=roadmap, comment="Tasdiqlandi.")
    for item, (*_plan, status, progress) in zip(items, ITEMS, strict=True):
        item.refresh_from_db()
        item_update(by=district_official, item=item, status=status, progress=progress)
    return roadmap
