"""Reading on the second core: what a generator yields, produced by a forked child process a few items ahead.

An import reads its file (parsing, checking, building records: pure computation on the file's bytes) and
writes what it read (the database). Each waits for the other in one process; here the child reads while
the parent writes. The child is forked, so it starts at once with everything the parent had loaded
(settings, schemas, patched modules in tests) and never touches the database: it only computes and sends
pickled items through a pipe, a chunk at a time. A send blocks while the pipe is full, so the child is never
further ahead than the pipe holds (``PIPE_BYTES``): memory stays flat whatever the file's size.

An exception in the child is raised in the parent, where the parent's loop meets it, with the child's
traceback as a note. A parent that stops early (an exception of its own, a closed generator) stops the
child. A process with more than one thread (a threaded server, the test server of the browser tests) is not
forked (a fork copies the calling thread only, and a lock another thread held stays held in the child):
there the generator runs in the parent, as it would without this module, and gives the same items.
"""

import fcntl
import multiprocessing
import os
import pickle
import threading
import traceback
from contextlib import suppress

# Items per message: large enough that each send's cost (a pickle, a write, a wake-up) weighs little, small
# enough that the parent starts writing soon and the child holds little beyond it.
CHUNK = 32
# What the child may have read ahead of the parent, pickled: a few of the importer's batches (a batch of 100 IATI
# activities pickles to about 250 KB), the most an unprivileged process may ask by default (pipe-max-size).
PIPE_BYTES = 1024 * 1024
_ITEMS, _DONE, _ERROR = "items", "done", "error"


class ReadAheadFailed(Exception):
    """The child process ended without saying why (killed, out of memory): nothing it read is missing unseen."""


def can_fork() -> bool:
    """Whether ``read_ahead`` reads in a child: a second core, one thread, and a process allowed children."""
    return (hasattr(os, "fork") and (os.cpu_count() or 1) > 1 and threading.active_count() == 1
            and "fork" in multiprocessing.get_all_start_methods() and not multiprocessing.current_process().daemon)


def read_ahead(produce, *, chunk: int = CHUNK):
    """Yield what ``produce()`` (a generator function taking no argument) yields, read in a child process
    when this process can fork, else in this one."""
    if not can_fork():
        yield from produce()
        return
    context = multiprocessing.get_context("fork")
    receiving, sending = context.Pipe(duplex=False)
    _widen(sending)
    child = context.Process(target=_produce, args=(produce, sending, chunk), daemon=True, name="minga-read-ahead")
    child.start()
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


def _produce(produce, sending, chunk: int) -> None:
    """The child: run ``produce``, send its items by chunks, then ``_DONE`` or the exception that stopped it."""
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
