"""``minga.common.read_ahead``: what a generator yields, produced by a forked child (issue 11, speed) — the same
items in the same order, its exception after the items before it, and a child that never outlives its reader."""

import multiprocessing
import os
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from minga.common import read_ahead as module
from minga.common.read_ahead import ReadAheadFailed, can_fork, read_ahead

pytestmark = pytest.mark.skipif(not hasattr(os, "fork"), reason="needs fork")


@pytest.fixture
def forking(monkeypatch):
    """The child, whatever threads earlier tests left running (a live server's, in the whole suite), which make
    ``can_fork`` say no: without this a test meant for the child would run its generator in pytest itself."""
    monkeypatch.setattr(module, "can_fork", lambda: True)


def readers():
    """The reading children still running."""
    return [child for child in multiprocessing.active_children() if child.name == "minga-read-ahead"]


def numbers(count):
    def produce():
        yield from range(count)
    return produce


@pytest.mark.usefixtures("forking")
def test_the_items_come_in_order_across_chunks_and_from_another_process():
    assert list(read_ahead(numbers(7), chunk=2)) == [0, 1, 2, 3, 4, 5, 6]
    assert list(read_ahead(numbers(0))) == []
    assert [pid != os.getpid() for pid in read_ahead(lambda: (os.getpid() for _ in range(3)))] == [True] * 3
    assert readers() == []


class Broken(Exception):
    pass


@pytest.mark.usefixtures("forking")
def test_an_exception_comes_after_the_items_before_it_with_the_childs_traceback():
    def produce():
        yield 1
        yield 2
        raise Broken("line 3: not well-formed")

    seen = []
    with pytest.raises(Broken, match="line 3: not well-formed") as raised:
        for item in read_ahead(produce, chunk=10):
            seen.append(item)
    assert seen == [1, 2]
    assert "in produce" in raised.value.__notes__[-1] and raised.value.__notes__[-1].startswith("Traceback")


class NotPicklable(Exception):
    def __init__(self, first, second):  # pickling rebuilds it with one argument: it does not come back
        super().__init__(f"{first} {second}")


@pytest.mark.usefixtures("forking")
def test_an_exception_that_cannot_cross_is_told_by_its_type_and_text():
    def produce():
        yield 1
        raise NotPicklable("lost", "pieces")

    with pytest.raises(RuntimeError, match=r"^NotPicklable: lost pieces"):
        list(read_ahead(produce))


@pytest.mark.usefixtures("forking")
def test_a_child_that_dies_without_a_word_is_an_error_not_a_short_file():
    def produce():
        yield 1
        os._exit(9)

    with pytest.raises(ReadAheadFailed, match=r"exit code 9"):
        list(read_ahead(produce, chunk=1))


@pytest.mark.usefixtures("forking")
def test_a_reader_that_stops_early_stops_the_child():
    items = read_ahead(numbers(10 ** 9), chunk=1)
    assert next(items) == 0
    (child,) = readers()
    items.close()
    assert not child.is_alive() and readers() == []


def test_a_process_with_another_thread_reads_in_itself():
    stop = threading.Event()
    other = threading.Thread(target=stop.wait)
    other.start()
    try:
        assert not can_fork()
        assert list(read_ahead(lambda: (os.getpid() for _ in range(2)))) == [os.getpid()] * 2
    finally:
        stop.set()
        other.join()


# In a process of its own: pytest's may hold threads of earlier tests (a live server's), which no one declared quiet.
BESIDE_A_QUIET_THREAD = r"""
import os, sys, threading, time
from minga.common import read_ahead

read_ahead.QUIET_WAIT = 0.3
busy, stop, beats = threading.Lock(), threading.Event(), []
always_busy = sys.argv[1] == "always-busy"

def beating():
    with read_ahead.quiet_at_fork(busy):
        while not stop.wait(0.001):
            with busy:
                beats.append(time.monotonic())
                if always_busy:
                    stop.wait()

thread = threading.Thread(target=beating)
thread.start()
while not beats:
    time.sleep(0.001)
forks = read_ahead.can_fork()
started = time.monotonic()
pids = set(read_ahead.read_ahead(lambda: (os.getpid() for _ in range(3))))
took = time.monotonic() - started
count = len(beats)
time.sleep(0.1)
beating_after = len(beats) > count
stop.set()
thread.join()
print(forks, "child" if os.getpid() not in pids else "parent", beating_after, took >= read_ahead.QUIET_WAIT)
"""


def in_a_process_of_its_own(script: str, *arguments: str) -> subprocess.CompletedProcess:
    source = Path(module.__file__).parents[2]
    return subprocess.run([sys.executable, "-c", script, *arguments], capture_output=True, text=True, timeout=60,
                          env={**os.environ, "PYTHONPATH": str(source)}, check=False)


def beside_a_quiet_thread(mode: str) -> str:
    done = in_a_process_of_its_own(BESIDE_A_QUIET_THREAD, mode)
    assert done.returncode == 0, done.stderr
    return done.stdout.strip()


def test_a_thread_declared_quiet_is_caught_between_two_beats_and_the_child_reads():
    # Forked (the items come from another process) without waiting, and the thread beats on afterwards: the
    # lock taken for the fork was given back in the parent.
    assert beside_a_quiet_thread("beating") == "True child True False"


def test_a_quiet_thread_still_busy_after_the_wait_leaves_the_reading_in_the_parent():
    assert beside_a_quiet_thread("always-busy") == "True parent False True"


# A parent killed (kill -9) while its child reads ahead of it, its child's pid printed first.
KILLED_PARENT = r"""
import os, signal, sys
from minga.common import read_ahead

read_ahead.can_fork = lambda: True
items = read_ahead.read_ahead(lambda: iter(range(10 ** 9)), chunk=1)
next(items)
(child,) = [process for process in __import__("multiprocessing").active_children()]
print(child.pid, flush=True)
os.kill(os.getpid(), signal.SIGKILL)
"""


def gone(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except FileNotFoundError:
        return True
    return state == "Z"  # ended, waiting to be reaped by whoever adopted it


def test_a_child_whose_parent_is_killed_ends_rather_than_wait_on_the_pipe_for_ever():
    done = in_a_process_of_its_own(KILLED_PARENT)
    assert done.returncode == -9, done.stderr
    pid = int(done.stdout)
    deadline = time.monotonic() + 10
    while not gone(pid) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert gone(pid), f"the reading process {pid} outlived its killed parent"
