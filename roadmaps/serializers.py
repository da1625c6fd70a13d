from rest_framework import serializers

from accounts.bounds import MAX_ID

from .models import FocusArea, ItemStatus, Kpi, KpiDirection, KpiUpdate, Roadmap, RoadmapItem, RoadmapStatus


class KpiSerializer(serializers.ModelSerializer):
    is_behind = serializers.BooleanField(read_only=True)

    class Meta:
        model = Kpi
        fields = ["id", "indicator", "unit", "baseline", "target", "actual", "direction", "is_behind"]


class RoadmapItemSerializer(serializers.ModelSerializer):
    is_overdue = serializers.BooleanField(read_only=True, default=False)
    kpis = KpiSerializer(many=True, read_only=True)

    class Meta:
        model = RoadmapItem
        fields = ["id", "roadmap", "position", "focus_area", "title", "description", "responsible_organisation",
                  "responsible_person", "start_on", "deadline", "status", "progress", "is_overdue", "kpis",
                  "updated_at"]


class ItemWriteSerializer(serializers.Serializer):
    focus_area = serializers.ChoiceField(choices=FocusArea.choices)
    title = serializers.CharField(max_length=300)
    description = serializers.CharField(required=False, allow_blank=True)
    responsible_organisation = serializers.CharField(max_length=200, required=False, allow_blank=True)
    responsible_person = serializers.CharField(max_length=200, required=False, allow_blank=True)
    start_on = serializers.DateField(required=False, allow_null=True)
    deadline = serializers.DateField()
    status = serializers.ChoiceField(choices=ItemStatus.choices, required=False)
    progress = serializers.IntegerField(min_value=0, max_value=100, required=False)


class RoadmapSerializer(serializers.ModelSerializer):
    level = serializers.CharField(read_only=True)
    territory_name = serializers.SerializerMethodField()

    class Meta:
        model = Roadmap
        fields = ["id", "level", "region", "district", "mahalla", "territory_name", "year", "revision", "parent",
                  "status", "title", "senior_official_name", "senior_official_post", "review_frequency",
                  "submitted_at", "approved_at", "return_comment", "created_at", "updated_at"]

    def get_territory_name(self, obj) -> str:
        return str(obj.territory)


class RoadmapDetailSerializer(RoadmapSerializer):
    items = serializers.SerializerMethodField()
    progress = serializers.SerializerMethodField()

    class Meta(RoadmapSerializer.Meta):
        fields = [*RoadmapSerializer.Meta.fields, "items", "progress"]

    def get_items(self, obj) -> list[dict]:
        return RoadmapItemSerializer(self.context["items"], many=True).data

    def get_progress(self, obj) -> dict:
        p = self.context["progress"]
        return {"items": p.items, "done": p.done, "completion": p.completion_pct, "overdue": p.overdue,
                "kpis": p.kpis, "kpis_behind": p.kpis_behind}


class RoadmapCreateSerializer(serializers.Serializer):
    region = serializers.IntegerField(required=False, min_value=1, max_value=MAX_ID)
    district = serializers.IntegerField(required=False, min_value=1, max_value=MAX_ID)
    mahalla = serializers.IntegerField(required=False, min_value=1, max_value=MAX_ID)
    year = serializers.IntegerField(min_value=2000, max_value=2100)
    title = serializers.CharField(max_length=200, required=False, allow_blank=True)

    def validate(self, attrs):
        given = [k for k in ("region", "district", "mahalla") if attrs.get(k)]
        if len(given) != 1:
            raise serializers.ValidationError({"territory": ["Give exactly one of region, district, mahalla."]})
        return attrs


class ReturnSerializer(serializers.Serializer):
    comment = serializers.CharField()


class ApproveSerializer(serializers.Serializer):
    comment = serializers.CharField(required=False, allow_blank=True)


class KpiUpdateSerializer(serializers.ModelSerializer):
    class Meta:
        model = KpiUpdate
        fields = ["id", "kpi", "on", "value", "note", "created_at"]
        read_only_fields = ["id", "kpi", "created_at"]


class KpiWriteSerializer(serializers.Serializer):
    indicator = serializers.CharField(max_length=200)
    unit = serializers.CharField(max_length=40, required=False, allow_blank=True)
    baseline = serializers.DecimalField(max_digits=14, decimal_places=2, required=False, allow_null=True)
    target = serializers.DecimalField(max_digits=14, decimal_places=2)
    direction = serializers.ChoiceField(choices=KpiDirection.choices, required=False)


STATUS_CHOICES = RoadmapStatus.choices


def progress_data(p) -> dict:
    """A roll-up figure (selectors.Progress) as the API writes it."""
    return {"items": p.items, "done": p.done, "cancelled": p.cancelled, "completion": p.completion_pct,
            "overdue": p.overdue, "kpis": p.kpis, "kpis_behind": p.kpis_behind, "kpis_unreported": p.kpis_unreported}


def rollup_data(rollup, *, level: str, territory) -> dict:
    """A territory's roll-up (selectors.Rollup): its totals, its own roadmap's, and one row per child unit."""
    return {
        "year": rollup.year, "level": level or "national", "id": territory.pk if territory else None,
        "total": progress_data(rollup.total), "own": progress_data(rollup.own) if rollup.own else None,
        "children": [{"id": row.territory.pk, "name": str(row.territory), **progress_data(row.progress)}
                     for row in rollup.rows],
    }
