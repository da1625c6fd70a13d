from django.contrib.gis.geos import Point


def wgs84_point(point: Point) -> Point | None:
    """The point in WGS 84 (SRID 4326), or None when its coordinates lie outside -180..180 / -90..90."""
    if point.srid not in (None, 4326):
        point = point.transform(4326, clone=True)
    if not (-180 <= point.x <= 180 and -90 <= point.y <= 90):
        return None
    if point.srid is None:
        point = Point(point.x, point.y, srid=4326)
    return point


def lonlat_point(lon, lat) -> Point | None:
    return wgs84_point(Point(float(lon), float(lat), srid=4326))
