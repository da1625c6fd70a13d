"""The stream reader and the Dahua envelope, on the byte shapes devices send (see tests/surveillance/simulators):
lengths given, missing or wrong, bare LF, boundaries with their dashes, a stream that stops mid-part, bounds."""

import asyncio
import concurrent.futures
import datetime

import pytest

from surveillance.errors import PayloadError
from surveillance.pull.dahua import Envelopes, blocks
from surveillance.pull.hikvision import is_keepalive
from surveillance.pull.multipart import MAX_PART_BYTES, MultipartReader, StreamFormatError, boundary_of
from surveillance.vendors import dahua as dahua_adapter
from tests.surveillance.simulators.devices import Dahua, Hikvision


def read(data: bytes, content_type: str, *, chunk: int = 7):
    async def chunks():
        for i in range(0, len(data), chunk):
            yield data[i:i + chunk]

    async def collect():
        reader = MultipartReader(chunks(), boundary_of(content_type))
        return [part async for part in reader.parts()], reader.incomplete

    # In a thread of its own: Playwright's session (browser tests) keeps an event loop running in this one.
    with concurrent.futures.ThreadPoolExecutor(1) as pool:
        return pool.submit(asyncio.run, collect()).result()


def test_parts_with_and_without_length_in_small_chunks():
    hik = Hikvision()
    data = hik.event_part(channel=3) + hik.keepalive_part() + hik.part(b"<EventNotificationAlert/>", "text/xml",
                                                                          length=False)
    parts, incomplete = read(data + b"--boundary--\r\n", hik.content_type)
    assert len(parts) == 3 and not incomplete
    assert b"<channelID>3</channelID>" in parts[0].body
    assert parts[0].body.rstrip().endswith(b"</EventNotificationAlert>")
    assert is_keepalive(parts[1].body) and not is_keepalive(parts[0].body)
    assert parts[2].body == b"<EventNotificationAlert/>"


@pytest.mark.parametrize("miscount", [-6, -1, 0, 3, 9])
def test_dahua_lengths_that_do_not_match_the_text_lose_no_block(miscount):
    nvr = Dahua(miscount=miscount)
    data = b"".join(nvr.event_part(index=i, action=a) for i in range(3) for a in ("Start", "Stop"))
    parts, _ = read(data + nvr.keepalive_part() + b"--myboundary\r\n", nvr.content_type, chunk=13)
    heads = [b.split(";data=")[0] for p in parts for b in blocks(p.body.decode())]
    assert heads == [f"Code=CrossLineDetection;action={a};index={i}" for i in range(3) for a in ("Start", "Stop")]


def test_bare_lf_and_a_boundary_announced_with_its_dashes():
    data = (b"--myboundary\nContent-Type: text/plain\n\nCode=VideoMotion;action=Start;index=0\n"
            b"--myboundary\nContent-Type: text/plain\n\nHeartbeat\n--myboundary--\n")
    parts, _ = read(data, "multipart/x-mixed-replace; boundary=--myboundary")
    assert [p.body for p in parts] == [b"Code=VideoMotion;action=Start;index=0", b"Heartbeat"]


def test_a_stream_that_stops_mid_part_yields_only_whole_parts():
    hik = Hikvision()
    whole, cut = hik.event_part(), hik.event_part()
    parts, incomplete = read(whole + cut[: len(cut) // 2], hik.content_type)
    assert len(parts) == 1 and incomplete


def test_a_part_past_the_bound_ends_the_stream():
    head = b"--b\r\nContent-Type: text/plain\r\nContent-Length: %d\r\n\r\n" % (MAX_PART_BYTES + 1)
    with pytest.raises(StreamFormatError):
        read(head + b"x" * 100, "multipart/mixed; boundary=b")
    with pytest.raises(StreamFormatError):
        read(b"--b\r\n" + b"x" * (MAX_PART_BYTES + 100), "multipart/mixed; boundary=b", chunk=1024 * 1024)


def test_dahua_start_and_stop_share_the_natural_key_and_the_stop_ends_it():
    envelopes = Envelopes("NVR-7")
    t0 = datetime.datetime(2026, 12, 6, 13, 0, tzinfo=datetime.UTC)
    start = envelopes.wrap("Code=VideoMotion;action=Start;index=2", t0)
    stop = envelopes.wrap("Code=VideoMotion;action=Stop;index=2", t0 + datetime.timedelta(seconds=9))
    a, b = dahua_adapter.parse(start)[0], dahua_adapter.parse(stop)[0]
    assert a.natural_key == b.natural_key and a.message_key != b.message_key
    assert (a.channel, a.event_type, a.ended_at) == (3, "vmd", None)
    assert b.ended_at - b.started_at == datetime.timedelta(seconds=9)
    # A Stop whose Start was before a reconnect: an instant of its own.
    lone = dahua_adapter.parse(Envelopes("NVR-7").wrap("Code=VideoMotion;action=Stop;index=2", t0))[0]
    assert lone.started_at == lone.ended_at


def test_dahua_data_gives_the_label_and_bad_envelopes_are_refused_naming_the_field():
    block = 'Code=CrossLineDetection;action=Start;index=0;data={\n\t"Object" : {"ObjectType" : "Vehicle"}\n}'
    alert = dahua_adapter.parse(Envelopes("NVR-1").wrap(block))[0]
    assert alert.label == "vehicle" and alert.event_type == "linedetection"
    good = dahua_adapter.envelope("NVR-1", "Code=X;action=Start;index=0", received_at="2026-12-06T13:00:00+00:00",
                                  started_at="2026-12-06T13:00:00+00:00")
    for body, field in [(good.replace(b'"NVR-1"', b'""'), "device_id"),
                        (good.replace(b"Code=X", b"Kod=X"), "block"),
                        (good.replace(b"2026-12-06T13:00:00+00:00", b"yesterday", 1), "received_at"),
                        (b"[]", "body")]:
        with pytest.raises(PayloadError) as exc:
            dahua_adapter.parse(body)
        assert exc.value.field == field
