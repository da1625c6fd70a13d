"""manage.py ingest_pull: hold an event stream to every enabled pulled device and store its events."""

import asyncio
import logging
import signal

from django.core.management.base import BaseCommand, CommandError

from surveillance.pull.runner import Runner

log = logging.getLogger("surveillance.pull")


def _shard(value: str) -> tuple[int, int]:
    index, _, count = (value or "0/1").partition("/")
    try:
        index, count = int(index), int(count)
    except ValueError:
        raise CommandError("--shard takes INDEX/COUNT, e.g. 0/2") from None
    if not 0 <= index < count:
        raise CommandError("--shard: INDEX must be from 0 to COUNT-1")
    return index, count


class Command(BaseCommand):
    help = ("Pull events from the devices that cannot push (Hikvision alertStream, Dahua eventManager, ONVIF "
            "PullPoint): one stream per device, reconnected with backoff, stored like the push endpoints.")

    def add_arguments(self, parser):
        parser.add_argument("--reload-seconds", type=float, default=None,
                            help="Re-read the device list this often (default PULL_RELOAD_SECONDS).")
        parser.add_argument("--shard", default="0/1",
                            help="INDEX/COUNT: hold only devices whose id %% COUNT == INDEX (several processes).")
        parser.add_argument("--stats-seconds", type=float, default=60.0,
                            help="Log what was stored this often.")

    def handle(self, *args, reload_seconds, shard, stats_seconds, **options):
        runner = Runner(reload_seconds=reload_seconds, shard=_shard(shard))
        self.stdout.write(f"Pulling events (shard {shard}); Ctrl-C or SIGTERM stops.")
        self.stdout.flush()
        asyncio.run(self._main(runner, stats_seconds))
        s = runner.stats
        self.stdout.write(f"Stopped: {s.stored} stored, {s.duplicates} duplicates, {s.refused} refused.")

    async def _main(self, runner: Runner, stats_seconds: float) -> None:
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGTERM, signal.SIGINT):
            loop.add_signal_handler(sig, stop.set)

        async def report():
            while not stop.is_set():
                await asyncio.sleep(stats_seconds)
                s = runner.stats
                online = sum(1 for state in runner.states.values() if state == "online")
                log.info("pull: %d devices held, %d online; %d stored, %d duplicates, %d refused, %d queued",
                         len(runner.devices), online, s.stored, s.duplicates, s.refused, runner.queue.qsize())

        reporter = asyncio.create_task(report())
        try:
            await runner.run(stop)
        finally:
            reporter.cancel()
