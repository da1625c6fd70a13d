"""Pull mode: one asyncio process (`manage.py ingest_pull`) holding an event stream to every device that cannot
push (see base for the driver contract, runner for the process)."""

