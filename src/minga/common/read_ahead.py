"""Reading on the second core: what a generator yields, produced by a forked child process a few items ahead.

An import reads its file (parsing, checking, building records: pure computation on the file's bytes) and
writes what it read (the database). Each waits for the other in one process; here the child reads while
the parent writes. The child is forked, so it starts at once with everything the parent had loaded
(settings, schemas, patched modules in tests) and never touches the database: it only computes and sends
pickled items through a pipe, a chunk at a time. A send blocks while the pipe is full, so the child is never
further ahead than the pipe holds (``PIPE_BYTES``): memory stays flat whatever the file's size.

An exception in the child is raised in the parent, where the parent's loop meets it, with the child's
traceback as a note. A parent that stops early (an exception of its own, a closed generator) stops the
child.

A fork copies the calling thread only, and a lock another thread held at that instant stays held in the
child. So a process with another thread forks only when each other thread said how to catch it between two
pieces of work (``quiet_at_fork``: it holds a lock of its own while it works, and no other lock outside it):
the worker's heartbeat does, so a background job's import reads on the second core too. Any other thread (a
threaded server, the live server of the browser tests), or a quiet thread still busy after ``QUIET_WAIT``
seconds, and the generator runs in the parent, as it would without this module, and gives the same items.
"""

import fcntl
import logging
import multiprocessing
import os
import pickle
import threading
import traceback
from contextlib import contextmanager, suppress

# Items per message: large enough that each send's cost (a pickle, a write, a wake-up) weighs little, small
# enough that the parent starts writing soon and the child holds little beyond it.
CHUNK = 32
# What the child may have read ahead of the parent, pickled: a few of the importer's batches (a batch of 100 IATI
# activities pickles to about 250 KB), the most an unprivileged process may ask by default (pipe-max-size).
PIPE_BYTES = 1024 * 1024
_ITEMS, _DONE, _ERROR = "items", "done", "error"
log = logging.getLogger(__name__)
# How long a fork waits for a quiet thread to finish what it is doing (a heartbeat's write waits at most for the
# database's busy timeout): past it, reading in the parent costs less than waiting.
QUIET_WAIT = 2.0
# The threads that told how to fork beside them (``quiet_at_fork``): thread → the lock it holds while it works.
_QUIET: dict[threading.Thread, threading.Lock] = {}


class ReadAheadFailed(Exception):
    """The child process ended without saying why (killed, out of memory): nothing it read is missing unseen."""


@contextmanager
def quiet_at_fork(busy: threading.Lock):
    """Within it, the calling thread may be forked beside: it holds ``busy`` while it works and, outside
    ``busy``, holds no lock and is in no call that a child could need (it waits, sleeps or reads its own
    queue). ``read_ahead`` takes ``busy`` for the instant of the fork."""
    thread = threading.current_thread()
    _QUIET[thread] = busy
    try:
        yield
    finally:
        _QUIET.pop(thread, None)


def _other_threads() -> list[threading.Thread]:
    return [thread for thread in threading.enumerate() if thread is not threading.current_thread()]


def can_fork() -> bool:
    """Whether ``read_ahead`` reads in a child: a second core, no thread but quiet ones (``quiet_at_fork``), and a
    process allowed children."""
    return (hasattr(os, "fork") and (os.cpu_count() or 1) > 1 and all(thread in _QUIET for thread in _other_threads())
            and "fork" in multiprocessing.get_all_start_methods() and not multiprocessing.current_process().daemon)


def _quieted() -> list[threading.Lock] | None:
    """The ``busy`` lock of each other quiet thread, taken: every one of them is between two pieces of work. None
    (and nothing taken) when one is still busy after ``QUIET_WAIT`` seconds. (Whether threads that are not quiet
    allow a fork is ``can_fork``'s to say.)"""
    taken = []
    for thread in _other_threads():
        busy = _QUIET.get(thread)
        if busy is None:
            continue
        if not busy.acquire(timeout=QUIET_WAIT):
            for lock in taken:
                lock.release()
            return None
        taken.append(busy)
    return taken


def read_ahead(produce, *, chunk: int = CHUNK):
    """Yield what ``produce()`` (a generator function taking no argument) yields, read in a child process
    when this process can fork, else in this one."""
    quieted = _quieted() if can_fork() else None
    if quieted is None:
        log.debug("Reading in this process (threads: %s).", ", ".join(thread.name for thread in threading.enumerate()))
        yield from produce()
        return
    context = multiprocessing.get_context("fork")
    try:
        receiving, sending = context.Pipe(duplex=False)
        _widen(sending)
        child = context.Process(target=_produce, args=(produce, sending, receiving, chunk), daemon=True,
                                name="minga-read-ahead")
        child.start()
    finally:
        for busy in quieted:  # the quiet threads go on, in the parent only
            busy.release()
    log.debug("Reading ahead in process %s.", child.pid)
    sending.close()  # the child's end: the parent reads EOF when the child is gone
    try:
        while True:
            try:
                kind, payload = receiving.recv()
            except EOFError:
                child.join()
                raise ReadAheadFailed(f"the reading process ended without a word (exit code {child.exitcode})") from None
            if kind == _ITEMS:
                yield from payload
            elif kind == _ERROR:
                raise payload
            else:
                return
    finally:
        receiving.close()
        if child.is_alive():
            child.terminate()
        child.join()


def _widen(pipe) -> None:
    """Let the pipe hold ``PIPE_BYTES`` (Linux; elsewhere it keeps its size): the parent takes items a batch at a
    time, and the child goes on reading meanwhile only as far as the pipe holds."""
    with suppress(AttributeError, OSError):  # not Linux, or above the system's pipe-max-size: the default size
        fcntl.fcntl(pipe.fileno(), fcntl.F_SETPIPE_SZ, PIPE_BYTES)


def _produce(produce, sending, receiving, chunk: int) -> None:
    """The child: run ``produce``, send its items by chunks, then ``_DONE`` or the exception that stopped it.

    It closes its copy of the parent's end first: then the parent's end closes when the parent dies (a kill -9
    gives it no time to stop the child), and the child's next send fails and ends it, rather than waiting on a
    full pipe for ever."""
    receiving.close()
    items = []
    try:
        try:
            for item in produce():
                items.append(item)
                if len(items) >= chunk:
                    sending.send((_ITEMS, items))
                    items = []
            if items:
                sending.send((_ITEMS, items))
            sending.send((_DONE, None))
        except BrokenPipeError:
            return  # the parent stopped reading: nothing to tell it
        except BaseException as error:  # sent to the parent, which raises it where its loop is, after the items
            if items:
                sending.send((_ITEMS, items))
            sending.send((_ERROR, _picklable(error)))
    except BrokenPipeError:
        return
    finally:
        sending.close()


def _picklable(error: BaseException) -> BaseException:
    error.add_note("".join(traceback.format_exception(error)).rstrip())
    try:
        pickle.loads(pickle.dumps(error))  # noqa: S301 -- its own bytes, just made: does it come back?
    except Exception:  # an exception that does not survive pickling is told by its type and text
        return RuntimeError(f"{type(error).__name__}: {error}\n{error.__notes__[-1]}")
    return error
