"""Size and latency of the national mahalla GeoJSON layer (the heaviest map request).

Loads the synthetic national-scale territory (`load_demo --mahallas 9000`) into its own database if it is
not there yet (refuses a DATABASE_URL whose name lacks "bench"), then asks `/api/v1/geo/mahallas/` as
national staff, in-process through Django's test Client (every middleware, session and the Redis cache
included), at several zoom levels: cold (cache cleared before each request: built by PostGIS) and warm
(served from Redis). Prints bytes raw and gzipped, and p50/p95 latency.

    DATABASE_URL=postgis://postgres@127.0.0.1:5432/ms_bench_geojson .venv/bin/python bench/geojson.py
"""

from __future__ import annotations

import argparse
import gzip
import os
import statistics
import sys
import time
from pathlib import Path
from urllib.parse import urlparse

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mahalla_safety.settings")
os.environ.setdefault("API_RATE_USER", "1000000/min")


def ensure_database(url: str) -> None:
    import psycopg

    parsed = urlparse(url)
    name = parsed.path.lstrip("/")
    if "bench" not in name:
        sys.exit(f"refusing to use database {name!r}: its name must contain 'bench'")
    conn = dict(host=parsed.hostname, port=parsed.port or 5432, user=parsed.username, password=parsed.password)
    with psycopg.connect(dbname="postgres", autocommit=True, **conn) as admin:
        if not admin.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            admin.execute(f'CREATE DATABASE "{name}"')
    with psycopg.connect(dbname=name, autocommit=True, **conn) as db:
        db.execute("CREATE EXTENSION IF NOT EXISTS postgis")


def pct(values: list[float], p: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, int(round(p / 100 * (len(values) - 1))))]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--mahallas", type=int, default=9000)
    parser.add_argument("--requests", type=int, default=30)
    args = parser.parse_args()
    ensure_database(os.environ["DATABASE_URL"])

    import django

    django.setup()
    from django.core.cache import cache
    from django.core.management import call_command
    from django.test import Client

    from accounts.models import Role, User
    from mahallas.models import Mahalla

    call_command("migrate", verbosity=0)
    if Mahalla.objects.count() != args.mahallas:
        t0 = time.perf_counter()
        call_command("load_demo", mahallas=args.mahallas, verbosity=0)
        print(f"load_demo --mahallas {args.mahallas}: {time.perf_counter() - t0:.1f} s")
    user, _ = User.objects.get_or_create(username="bench_national", defaults={"role": Role.NATIONAL})
    client = Client()
    client.force_login(user)
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    device = TOTPDevice.objects.filter(user=user, confirmed=True).first() or \
        TOTPDevice.objects.create(user=user, name="bench", confirmed=True)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()

    print(f"national mahalla layer, {Mahalla.objects.count()} mahallas, {args.requests} requests per row")
    print(f"{'zoom':>5} {'features':>8} {'raw KB':>8} {'gzip KB':>8} {'cold p50':>9} {'cold p95':>9} "
          f"{'warm p50':>9} {'warm p95':>9}")
    for zoom in (None, 12, 9, 7, 5):
        url = "/api/v1/geo/mahallas/" + (f"?zoom={zoom}" if zoom is not None else "")
        cold, warm = [], []
        body = b""
        for _ in range(max(3, args.requests // 5)):
            cache.clear()
            t0 = time.perf_counter()
            response = client.get(url)
            cold.append((time.perf_counter() - t0) * 1000)
            assert response.status_code == 200, response.status_code
        for _ in range(args.requests):
            t0 = time.perf_counter()
            response = client.get(url, HTTP_ACCEPT_ENCODING="gzip")
            warm.append((time.perf_counter() - t0) * 1000)
            body = response.content
        raw = gzip.decompress(body) if response.get("Content-Encoding") == "gzip" else body
        gz = body if response.get("Content-Encoding") == "gzip" else gzip.compress(body)
        features = raw.count(b'"Feature"')
        print(f"{zoom if zoom is not None else '-':>5} {features:>8} {len(raw) / 1024:>8.0f} {len(gz) / 1024:>8.0f} "
              f"{statistics.median(cold):>7.0f}ms {pct(cold, 95):>7.0f}ms "
              f"{statistics.median(warm):>7.0f}ms {pct(warm, 95):>7.0f}ms")


if __name__ == "__main__":
    main()
