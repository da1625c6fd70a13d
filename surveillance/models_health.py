"""The history of each camera's status, kept so a dashboard can say how much of the camera-time was online.

Written by the status services (services/outages.py): a row opens when a camera is marked offline (silent for
CAMERA_OFFLINE_AFTER_SECONDS, or its pulled stream is down) and closes when traffic marks it online again.
A camera has at most one open outage (a partial unique index), so a repeated "offline" writes nothing.
"""

from __future__ import annotations

from django.contrib.gis.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _


class OutageCause(models.TextChoices):
    SILENT = "silent", _("no traffic")
    STREAM = "stream", _("pulled stream down")


class CameraOutage(models.Model):
    Cause = OutageCause

    camera = models.ForeignKey("surveillance.Camera", on_delete=models.CASCADE, related_name="outages",
                               verbose_name=_("camera"))
    # When the platform marked it offline (not when it was last heard: the grace period counts as online).
    started_at = models.DateTimeField(_("offline since"))
    ended_at = models.DateTimeField(_("online again at"), null=True, blank=True)
    cause = models.CharField(_("cause"), max_length=8, choices=OutageCause.choices, default=OutageCause.SILENT)

    class Meta:
        verbose_name = _("camera outage")
        verbose_name_plural = _("camera outages")
        ordering = ["-started_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["camera"], condition=Q(ended_at__isnull=True),
                                    name="cameraoutage_one_open_per_camera"),
            models.CheckConstraint(condition=Q(ended_at__isnull=True) | Q(ended_at__gte=F("started_at")),
                                   name="cameraoutage_times_ordered"),
            models.CheckConstraint(condition=Q(cause__in=OutageCause.values), name="cameraoutage_cause_valid"),
        ]
        # Uptime reads the outages of a district's cameras that overlap the last days.
        indexes = [models.Index(fields=["camera", "ended_at"], name="cameraoutage_camera_end")]

    def __str__(self) -> str:
        return f"{self.camera_id}: {self.started_at:%Y-%m-%d %H:%M} – {self.ended_at or '…'}"
