"""``minga.common.read_ahead``: what a generator yields, produced by a forked child (issue 11, speed) — the same
items in the same order, its exception after the items before it, and a child that never outlives its reader."""

import multiprocessing
import os
import threading

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
