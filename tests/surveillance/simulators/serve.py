"""Many simulated devices in one process, each streaming events at a steady rate once a client holds its stream
(bench/pull.py runs this apart from the pull process, as real devices would be):

    python -m tests.surveillance.simulators.serve --hikvision 250 --dahua 250 --rate 4

Prints one JSON line, {"devices": [{"vendor", "port", "device_id", "username", "password"}, ...]}, then streams
until SIGTERM or SIGINT, and prints {"sent": N} on the way out.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import signal
import sys

from .devices import Dahua, Device, Hikvision


def mac(i: int) -> str:
    return "02:00:" + ":".join(f"{b:02x}" for b in i.to_bytes(4, "big"))


async def _pace(device: Device, rate: float, stop: asyncio.Event) -> None:
    """`rate` events a second, started at a random phase so the devices do not fire in step."""
    interval = 1.0 / rate
    await asyncio.sleep(random.uniform(0, interval))  # noqa: S311 - spreading load, not a secret
    loop = asyncio.get_running_loop()
    due = loop.time()
    index = 0
    while not stop.is_set():
        if device.streams:
            if isinstance(device, Dahua):
                # Start and Stop alternate over 16 channels: every second block closes an event.
                device.emit(index=(index // 2) % 16, action="Stop" if index % 2 else "Start")
            else:
                device.emit(channel=1 + index % 16, event_type="linedetection")
            index += 1
        due += interval
        await asyncio.sleep(max(0.0, due - loop.time()))


async def main(options) -> None:
    devices: list[tuple[str, Device, str]] = []
    for i in range(options.hikvision):
        devices.append(("hikvision", Hikvision(mac=mac(i), keepalive_seconds=5), mac(i)))
    for i in range(options.dahua):
        devices.append(("dahua", Dahua(keepalive_seconds=5), f"bench-dahua-{i}"))
    for _, device, _ in devices:
        await device.start()
    print(json.dumps({"devices": [{"vendor": v, "port": d.port, "device_id": i, "username": d.username,
                                   "password": d.password} for v, d, i in devices]}), flush=True)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    pacers = [asyncio.create_task(_pace(d, options.rate, stop)) for _, d, _ in devices]
    await stop.wait()
    await asyncio.gather(*pacers)
    print(json.dumps({"sent": sum(d.sent for _, d, _ in devices)}), flush=True)
    for _, device, _ in devices:
        await device.stop()


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--hikvision", type=int, default=250)
    parser.add_argument("--dahua", type=int, default=250)
    parser.add_argument("--rate", type=float, default=4.0, help="events per second per device")
    asyncio.run(main(parser.parse_args()))
    sys.exit(0)
