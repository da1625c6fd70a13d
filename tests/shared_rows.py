"""Rows that many tests read and none keeps, written once per test process instead of once per test.

pytest-django runs each non-transactional test inside a transaction that it rolls back. Beneath it this module
keeps one more transaction open, with a savepoint per *layer*: the fixed territory, the personas, a test
package's seeded data. A layer is named after the fixture that hands it out; a test whose fixtures include it
runs on top of it, and its own writes are rolled back as before. The layers' rows are never committed: a test
that asks for no layer, and every transactional test (which commits and then empties the tables), starts only
after the layers it does not ask for are rolled back, so it sees exactly what it saw when each test built its own.

The fixtures hand out deep copies of the Python objects (one copy per test, shared between that test's fixtures),
so a test that changes an object in memory leaves the next test's copy alone. A fixture asked for in the middle of
a test (`request.getfixturevalue`), or by a transactional test, builds its rows inside the test as before.
"""

from __future__ import annotations

import contextlib
import copy
from collections.abc import Callable
from dataclasses import dataclass, field

from django.db import connection, transaction


@dataclass
class Layer:
    build: Callable
    on: tuple[str, ...]


@dataclass
class _Open:
    name: str
    atomic: transaction.Atomic
    value: object


@dataclass
class SharedRows:
    layers: dict[str, Layer] = field(default_factory=dict)
    stack: list[_Open] = field(default_factory=list)
    memo: dict = field(default_factory=dict)  # the running test's copies, shared between its fixtures

    def layer(self, name: str, *, on: tuple[str, ...] = ()):
        """Registers `build(*values of on)` as the layer handed out by the fixture `name`."""
        def register(build):
            missing = [below for below in on if below not in self.layers]
            if missing:
                raise ValueError(f"layer {name!r} stands on unregistered {missing}")
            self.layers[name] = Layer(build, on)
            return build
        return register

    # --- run before pytest-django opens a test's transaction ------------------------------------------------

    def settle(self, request) -> None:
        """Leaves open exactly the layers this test asks for (none for a transactional test), building any missing."""
        self.memo = {}
        wanted = [] if _transactional(request) else self._wanted(request.fixturenames)
        blocker = request.getfixturevalue("django_db_blocker")
        with blocker.unblock():
            if self.stack and not self._alive():
                self._discard()
            keep = 0
            while keep < min(len(wanted), len(self.stack)) and self.stack[keep].name == wanted[keep]:
                keep += 1
            self._roll_back_to(keep)
            for name in wanted[keep:]:
                self._push(name)

    def close(self, blocker) -> None:
        with blocker.unblock():
            self._roll_back_to(0)

    # --- used by the fixtures -------------------------------------------------------------------------------

    def under(self, request) -> bool:
        """Whether this test runs on shared rows."""
        return bool(self._wanted(request.fixturenames)) and not _transactional(request)

    def get(self, request, name: str):
        """This test's copy of the layer's objects, or, when the layer is not open beneath it, new rows."""
        layer = self.layers[name]
        for entry in self.stack:
            if entry.name == name:
                return copy.deepcopy(entry.value, self.memo)
        return layer.build(*(request.getfixturevalue(below) for below in layer.on))

    # --- the stack ------------------------------------------------------------------------------------------

    def _wanted(self, fixturenames) -> list[str]:
        names = set()

        def add(name):
            if name not in names:
                names.add(name)
                for below in self.layers[name].on:
                    add(below)

        for name in fixturenames:
            if name in self.layers:
                add(name)
        return [name for name in self.layers if name in names]  # registration order: each above its own

    def _push(self, name: str) -> None:
        layer = self.layers[name]
        values = {entry.name: entry.value for entry in self.stack}
        atomic = transaction.atomic()
        atomic.__enter__()
        self.stack.append(_Open(name, atomic, None))
        try:
            self.stack[-1].value = layer.build(*(values[below] for below in layer.on))
        except BaseException:
            self._roll_back_to(len(self.stack) - 1)
            raise

    def _roll_back_to(self, depth: int) -> None:
        while len(self.stack) > depth:
            entry = self.stack.pop()
            transaction.set_rollback(True)
            entry.atomic.__exit__(None, None, None)

    def _alive(self) -> bool:
        """False when a test closed or broke the connection under the layers, or left a block of its own open."""
        blocks = getattr(connection, "atomic_blocks", [])
        return (connection.connection is not None and not connection.closed_in_transaction
                and not connection.needs_rollback and len(blocks) == len(self.stack)
                and all(block is entry.atomic for block, entry in zip(blocks, self.stack, strict=True))
                and connection.is_usable())

    def _discard(self) -> None:
        """Drops a broken stack; Django's own exit path closes a connection that cannot roll back."""
        while self.stack:
            entry = self.stack.pop()
            # The connection may already be gone: then there is nothing left to undo.
            with contextlib.suppress(Exception):
                entry.atomic.__exit__(RuntimeError, RuntimeError("shared rows discarded"), None)
        if connection.in_atomic_block:
            # A test's own block was left open above the layers: forget every block and start afresh.
            connection.close()
            connection.connection = None
            connection.atomic_blocks, connection.savepoint_ids = [], []
            connection.in_atomic_block = connection.needs_rollback = connection.closed_in_transaction = False
            connection.run_on_commit = []


def _transactional(request) -> bool:
    """The same decision pytest-django makes for this test, plus Django's own test classes (own transactions)."""
    from django.test import SimpleTestCase

    cls = getattr(request.node, "cls", None)
    if cls is not None and issubclass(cls, SimpleTestCase):
        return True
    names = request.fixturenames
    if {"transactional_db", "live_server", "django_db_reset_sequences"} & set(names):
        return True
    marker = request.node.get_closest_marker("django_db")
    return bool(marker and (marker.kwargs.get("transaction") or marker.kwargs.get("reset_sequences")
                            or (marker.args and marker.args[0])))


SHARED = SharedRows()
