"""Read-only shapes of territory units for the API, and the query parameters of the map layers."""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from .models import District, Mahalla, Region
from .selectors import MAX_ZOOM, page_url

NAME_FIELDS = ("name", "name_uz", "name_uz_cyrl", "name_ru", "name_en")
MAX_ID = 2**63 - 1


class TerritorySerializer(serializers.ModelSerializer):
    level: str = ""
    name = serializers.CharField(read_only=True, help_text="Name in the active language (Accept-Language).")
    url = serializers.SerializerMethodField(help_text="The unit's page in the web interface; null if none.")

    @extend_schema_field(OpenApiTypes.STR)
    def get_url(self, obj) -> str | None:
        return page_url(self.level, obj.pk)


class BBoxMixin(serializers.Serializer):
    bbox = serializers.SerializerMethodField(
        help_text="[min lon, min lat, max lon, max lat] of the boundary; null without a boundary.")

    @extend_schema_field({"type": "array", "items": {"type": "number"}, "minItems": 4, "maxItems": 4,
                          "nullable": True})
    def get_bbox(self, obj):
        box = [getattr(obj, f"bbox_{part}", None) for part in ("xmin", "ymin", "xmax", "ymax")]
        return None if None in box else box


class RegionSerializer(TerritorySerializer):
    level = "region"

    class Meta:
        model = Region
        fields = ("id", "code", *NAME_FIELDS, "url")


class RegionDetailSerializer(BBoxMixin, RegionSerializer):
    class Meta(RegionSerializer.Meta):
        fields = (*RegionSerializer.Meta.fields, "bbox")


class DistrictSerializer(TerritorySerializer):
    level = "district"

    class Meta:
        model = District
        fields = ("id", "code", *NAME_FIELDS, "kind", "region", "url")


class DistrictDetailSerializer(BBoxMixin, DistrictSerializer):
    class Meta(DistrictSerializer.Meta):
        fields = (*DistrictSerializer.Meta.fields, "bbox")


class MahallaSerializer(TerritorySerializer):
    level = "mahalla"
    region = serializers.IntegerField(source="region_id", read_only=True)

    class Meta:
        model = Mahalla
        fields = ("id", "code", *NAME_FIELDS, "district", "region", "population", "households", "url")


class MahallaDetailSerializer(BBoxMixin, MahallaSerializer):
    class Meta(MahallaSerializer.Meta):
        fields = (*MahallaSerializer.Meta.fields, "bbox")


# --- Query parameters of the GeoJSON layers ----------------------------------------------------------


class GeoRegionsQuerySerializer(serializers.Serializer):
    zoom = serializers.IntegerField(
        required=False, min_value=0, max_value=MAX_ZOOM,
        help_text="Map zoom (0-18): geometry is simplified to what shows at this zoom; omitted: exact.")


class GeoDistrictsQuerySerializer(GeoRegionsQuerySerializer):
    region = serializers.IntegerField(required=False, min_value=1, max_value=MAX_ID, help_text="Region id.")
    bbox = serializers.CharField(
        required=False, help_text="Only units whose bounding box meets minlon,minlat,maxlon,maxlat.")

    def validate_bbox(self, value: str) -> tuple[float, float, float, float]:
        parts = value.split(",")
        if len(parts) != 4:
            raise serializers.ValidationError("Give four numbers: minlon,minlat,maxlon,maxlat.")
        try:
            min_lon, min_lat, max_lon, max_lat = (float(p) for p in parts)
        except ValueError:
            raise serializers.ValidationError("Give four numbers: minlon,minlat,maxlon,maxlat.") from None
        if not (-180 <= min_lon < max_lon <= 180 and -90 <= min_lat < max_lat <= 90):
            raise serializers.ValidationError(
                "Longitudes must lie in -180..180 and latitudes in -90..90, each minimum below its maximum.")
        return (min_lon, min_lat, max_lon, max_lat)


class GeoMahallasQuerySerializer(GeoDistrictsQuerySerializer):
    district = serializers.IntegerField(required=False, min_value=1, max_value=MAX_ID,
                                        help_text="District id.")
