"""The runner's pending state changes: a drop is written even when the stream is back before the writer's next
tick, and a write that fails (PostgreSQL away) keeps every change it held, ahead of those that came meanwhile."""

from surveillance.models import PullDevice
from surveillance.pull.runner import Runner

State = PullDevice.State


def _states(runner, device=1) -> list[str]:
    return [state for state, _error, _at in runner.changes.get(device, [])]


def test_a_drop_and_the_return_before_the_next_write_are_both_kept():
    runner = Runner(writers=1)
    for state in (State.ONLINE, State.OFFLINE, State.CONNECTING, State.ONLINE):
        runner.set_state(1, state, "ReadTimeout" if state == State.OFFLINE else "")

    assert _states(runner) == [State.OFFLINE, State.ONLINE]
    assert runner.changes[1][0][1] == "ReadTimeout"
    runner.db.shutdown()


def test_without_a_drop_only_the_latest_state_is_written():
    runner = Runner(writers=1)
    for state in (State.CONNECTING, State.ONLINE):
        runner.set_state(1, state)

    assert _states(runner) == [State.ONLINE]
    runner.db.shutdown()


def test_a_failed_write_puts_its_changes_back_before_the_newer_ones():
    runner = Runner(writers=1)
    runner.set_state(1, State.ONLINE)
    runner.set_state(1, State.OFFLINE, "ConnectionResetError")
    runner.set_state(2, State.ONLINE)
    taken, runner.changes = runner.changes, {}  # what the writer took, then failed to write
    runner.set_state(1, State.CONNECTING)
    runner.set_state(1, State.ONLINE)

    runner._keep_for_retry(taken)

    assert _states(runner, 1) == [State.OFFLINE, State.ONLINE]  # the drop first, then the newest state
    assert _states(runner, 2) == [State.ONLINE]
    runner.db.shutdown()
