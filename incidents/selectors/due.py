"""What is due for a field worker today: follow-ups of their own visits, support-case reviews, reports waiting
for a decision. Each read starts from `visible_to(user)`; the home page asks `can(...)` per row for what the
user may act on."""

from __future__ import annotations

import datetime

from django.db.models import Exists, OuterRef

from core import dates

from ..models import FieldVisit, Incident, SupportCase

# A follow-up shows this many days before its date, so that it can be planned into the week.
FOLLOW_UP_AHEAD_DAYS = 3


def follow_ups_due(*, user, today: datetime.date | None = None, ahead: int = FOLLOW_UP_AHEAD_DAYS):
    """The user's own visits whose follow-up date has come (or comes within `ahead` days) and that no later visit
    to the same household of the same mahalla has answered yet; the most overdue first."""
    today = today or dates.today()
    answered = FieldVisit.objects.filter(mahalla=OuterRef("mahalla"),
                                         address_or_household=OuterRef("address_or_household"),
                                         visited_at__gt=OuterRef("visited_at"))
    return (FieldVisit.objects.visible_to(user).for_list()
            .filter(by=user, follow_up_on__lte=today + datetime.timedelta(days=ahead))
            .exclude(Exists(answered)).order_by("follow_up_on", "id"))


def case_reviews_overdue(*, user, today: datetime.date | None = None):
    """Open cases the user sees whose review date has passed; the longest overdue first."""
    return SupportCase.objects.visible_to(user).for_list().overdue(today).order_by("next_review_on", "id")


def reports_awaiting_decision(*, user):
    """Reports of the user's territory not decided yet; the oldest first."""
    return Incident.objects.visible_to(user).for_list().awaiting_decision().order_by("reported_at", "id")
