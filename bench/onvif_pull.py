"""ONVIF PullPoint clients: memory per device and events per second, for one pull process holding N cameras.

The simulated cameras (tests/surveillance/simulators/onvif_device.py, real HTTP sockets on loopback) run in
another process, each sending `--rate` event messages per second (a motion start and end in turn). This process
runs the real driver (`surveillance.pull.onvif.run`) for every camera in one asyncio loop, with a sink that
counts and parses each body with the ONVIF adapter (what the pull runner does before storing; the database is
left out, its cost is the ingest benchmark's). Reported:

  - RSS after Django and the driver are imported (no client), after the first camera is online (the WSDL
    documents parsed once per process), and with all N online;
  - memory per device: (RSS with N - RSS with none) / N, and the marginal (RSS with N - RSS with 1) / (N - 1);
  - events received per second and this process's CPU per 1,000 events over a measured window.

    .venv/bin/python bench/onvif_pull.py [--devices 50] [--rate 2] [--seconds 20]

No database, no Redis: safe to run anywhere. Bounded: every wait has a limit.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime
import json
import os
import resource
import subprocess
import sys
import threading
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mahalla_safety.settings")
os.environ.setdefault("DJANGO_SECRET_KEY", "bench-onvif-pull-key-0123456789abcdefghijklmnop")
os.environ.setdefault("LOG_LEVEL", "WARNING")


def rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def cpu_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


# -- the cameras' process ---------------------------------------------------------------------------------------
def serve(devices: int, rate: float) -> None:
    import logging

    logging.getLogger("aiohttp.access").setLevel(logging.WARNING)
    from tests.surveillance.simulators.onvif_device import OnvifDevice, at_time, fixture

    sims = [OnvifDevice().start() for _ in range(devices)]
    print(json.dumps([s.port for s in sims]), flush=True)
    messages = [fixture("cell_motion_true.xml"), fixture("cell_motion_false.xml")]
    tick, n = 1 / rate, 0
    deadline = time.monotonic() + 3600
    while time.monotonic() < deadline and sys.stdin.readable():
        started = time.monotonic()
        now = datetime.datetime.now(datetime.UTC)
        for sim in sims:
            sim.push(at_time(messages[n % 2], now))
        n += 1
        time.sleep(max(0.0, tick - (time.monotonic() - started)))


# -- the pull process ---------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Device:
    id: int
    vendor: str
    device_id: str
    base_url: str
    username: str
    password: str
    integration_id: int


class CountingSink:
    def __init__(self, parse):
        self.parse = parse
        self.events = 0
        self.online = 0
        self.errors: list[str] = []

    async def event(self, body: bytes, content_type: str) -> None:
        self.parse(body, content_type)
        self.events += 1

    async def state(self, state: str, error: str = "") -> None:
        if state == "online":
            self.online += 1
        elif error:
            self.errors.append(error)


async def wait_until(condition, limit: float) -> None:
    deadline = time.monotonic() + limit
    while not condition():
        if time.monotonic() > deadline:
            raise SystemExit("timed out waiting for the cameras")
        await asyncio.sleep(0.05)


async def pull(ports: list[int], seconds: float) -> dict:
    import django

    django.setup()
    from surveillance.pull import onvif as driver
    from surveillance.vendors import onvif as adapter

    devices = [Device(id=i, vendor="onvif", device_id=f"bench-{i}", base_url=f"http://127.0.0.1:{port}",
                      username="admin", password="Kamera-2026", integration_id=0)  # noqa: S106 - the simulators'
               for i, port in enumerate(ports)]
    sink = CountingSink(adapter.parse)
    figures = {"rss_none_mb": rss_mb()}
    tasks = [asyncio.create_task(driver.run(devices[0], sink))]
    await wait_until(lambda: sink.online >= 1, 60)
    await asyncio.sleep(2)
    figures["rss_one_mb"] = rss_mb()
    tasks += [asyncio.create_task(driver.run(d, sink)) for d in devices[1:]]
    await wait_until(lambda: sink.online >= len(devices), 300)
    await asyncio.sleep(5)  # warm: every client has pulled a few times
    events, cpu, started = sink.events, cpu_seconds(), time.monotonic()
    await asyncio.sleep(seconds)
    elapsed = time.monotonic() - started
    received, used = sink.events - events, cpu_seconds() - cpu
    figures["rss_all_mb"] = rss_mb()
    for task in tasks:
        task.cancel()
    await asyncio.gather(*tasks, return_exceptions=True)
    n = len(devices)
    figures.update(
        devices=n, events_per_s=received / elapsed, cpu_ms_per_1000=1000 * 1000 * used / max(received, 1),
        cpu_share=used / elapsed, per_device_mb=(figures["rss_all_mb"] - figures["rss_none_mb"]) / n,
        marginal_mb=(figures["rss_all_mb"] - figures["rss_one_mb"]) / max(n - 1, 1),
        ended=sum(1 for t in tasks if t.done()), errors=sink.errors[:3])
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--devices", type=int, default=50)
    parser.add_argument("--rate", type=float, default=2.0, help="messages per second per camera")
    parser.add_argument("--seconds", type=float, default=20.0)
    parser.add_argument("--serve", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve:
        serve(args.devices, args.rate)
        return
    cameras = subprocess.Popen([sys.executable, __file__, "--serve", "--devices", str(args.devices),
                                "--rate", str(args.rate)], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                               cwd=ROOT, text=True)
    try:
        ready = threading.Event()
        ports: list[int] = []

        def read_ports():
            ports.extend(json.loads(cameras.stdout.readline()))
            ready.set()

        threading.Thread(target=read_ports, daemon=True).start()
        if not ready.wait(120):
            raise SystemExit("the simulated cameras did not start")
        f = asyncio.run(pull(ports, args.seconds))
    finally:
        cameras.terminate()
        cameras.wait(20)
    offered = args.devices * args.rate
    print(f"{f['devices']} ONVIF PullPoint clients in one process, cameras offering {offered:.0f} messages/s")
    print(f"RSS: no client {f['rss_none_mb']:.1f} MB, one online {f['rss_one_mb']:.1f} MB, "
          f"all online {f['rss_all_mb']:.1f} MB")
    print(f"memory per device: {f['per_device_mb']:.2f} MB (RSS delta / {f['devices']}); "
          f"marginal {f['marginal_mb']:.2f} MB (after the first)")
    print(f"events received: {f['events_per_s']:.0f}/s; CPU {f['cpu_ms_per_1000']:.0f} ms per 1,000 events "
          f"({100 * f['cpu_share']:.0f}% of one core)")
    if f["errors"]:
        print("errors:", f["errors"])


if __name__ == "__main__":
    main()
