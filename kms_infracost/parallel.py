"""Projects worked on by forked processes beside the main one, on machines with more than one core.

A monorepo run evaluates hundreds of root modules that share nothing but the files read while looking
for them; each is independent of the others. With more than one core and enough projects, the run forks
workers (POSIX only), gives each every n-th project, and takes their results back through a pipe, pickled.
The main process works on its own share meanwhile. What a worker did that outlives it is handed back too:
the parse-cache entries it added (the main process writes them with its own at exit) and the paths it
looked at (for replay.py's record of the run).

Results are exactly those of running every project in order in one process: they are put back in order,
and anything a worker could not do (an error in a project, a worker that died, a result that does not
pickle) is done again by the main process in order, so the first failing project raises its own error,
as it would have alone.

KMS_INFRACOST_PARALLELISM sets the number of processes (1: none forked); the default is the number of
cores this process may use, at most 4.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Sequence
from typing import Any, TypeVar

from kms_infracost.errors import UserError

PARALLELISM_ENV = "KMS_INFRACOST_PARALLELISM"
#: fewer projects than this are not worth a fork (a hook run touches a few)
MIN_ITEMS = 8
#: the most processes the default takes, however many cores there are
DEFAULT_CAP = 4

T = TypeVar("T")
R = TypeVar("R")

#: processes the last map_in_order used (1: all in this process), for tests and the benchmark's notes
last_workers = 1


def workers(count: int, env: dict[str, str] | os._Environ[str] | None = None) -> int:
    """How many processes `count` projects get."""
    environ = os.environ if env is None else env
    given = environ.get(PARALLELISM_ENV, "").strip()
    if given:
        try:
            wanted = int(given)
        except ValueError:
            wanted = 0
        if wanted < 1:
            raise UserError(f"{PARALLELISM_ENV} must be a whole number of processes, 1 or more (1: no workers), got {given!r}")
    else:
        try:
            wanted = min(len(os.sched_getaffinity(0)), DEFAULT_CAP)
        except (AttributeError, OSError):
            wanted = min(os.cpu_count() or 1, DEFAULT_CAP)
    if not hasattr(os, "fork") or count < MIN_ITEMS:
        return 1
    return max(1, min(wanted, count // 2))


def map_in_order(work: Callable[[T], R], items: Sequence[T]) -> list[R]:
    """[work(item) for item in items], with shares of the items done by forked workers when worth it."""
    global last_workers
    count = workers(len(items))
    last_workers = count
    if count == 1:
        return [work(item) for item in items]
    from kms_infracost import replay

    children: list[tuple[int, int]] = []
    try:
        for share in range(1, count):
            read, write = os.pipe()
            with replay.own_fork():
                pid = os.fork()
            if pid == 0:  # pragma: no cover - the worker; its results are what the tests compare
                os.close(read)
                _worker(work, items, share, count, write)
            os.close(write)
            children.append((pid, read))
        done = _share(work, items, 0, count)
        for pid, read in children:
            done.update(_collect(pid, read))
    finally:
        for pid, read in children:
            _reap(pid, read)
    # in order; what no process finished (an error, a worker lost) is done here, where an error is raised
    return [done[index] if index in done else work(items[index]) for index in range(len(items))]


def _share(work: Callable[[T], R], items: Sequence[T], share: int, count: int) -> dict[int, R]:
    """Every count-th item from `share`, until one fails (the main process does that one again, in order)."""
    done: dict[int, R] = {}
    for index in range(share, len(items), count):
        try:
            done[index] = work(items[index])
        except Exception:  # noqa: BLE001 - done again in order by the main process, which raises it
            break
    return done


def _worker(work: Callable[[T], R], items: Sequence[T], share: int, count: int, write: int) -> None:  # pragma: no cover
    """In the forked process: do the share, hand everything back, and leave without the parent's exit
    handlers (they would write the parent's caches, remove its temporary folders)."""
    import pickle

    from kms_infracost import replay

    status = 0
    try:
        with replay.own_fork():  # not a path the run read
            devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, 1)  # nothing a worker says may land in the run's output
        os.dup2(devnull, 2)
        cache = sys.modules.get("kms_infracost.sources.hcl.cache")
        if cache is not None:
            cache.forget_pending()
        done = _share(work, items, share, count)
        cache = sys.modules.get("kms_infracost.sources.hcl.cache")
        entries = cache.pending() if cache is not None else b""
        try:
            data = pickle.dumps((done, replay.seen(), entries), protocol=pickle.HIGHEST_PROTOCOL)
        except Exception:  # noqa: BLE001 - a result that does not pickle: the main process does the share
            data = pickle.dumps(({}, replay.seen(), entries), protocol=pickle.HIGHEST_PROTOCOL)
        with os.fdopen(write, "wb") as stream:
            stream.write(data)
    except BaseException:  # noqa: BLE001 - whatever happened, the main process does the share itself
        status = 1
    finally:
        os._exit(status)


def _collect(pid: int, read: int) -> dict[int, Any]:
    import pickle

    from kms_infracost import replay

    with os.fdopen(read, "rb", closefd=False) as stream:
        data = stream.read()
    try:
        done, seen, entries = pickle.loads(data)
    except Exception:  # noqa: BLE001 - a worker that died part-way: its share is done again here
        return {}
    replay.merge_seen(seen)
    if entries:
        from kms_infracost.sources.hcl import cache

        cache.take(entries)
    return dict(done)


def _reap(pid: int, read: int) -> None:
    try:
        os.close(read)
    except OSError:
        pass
    try:
        finished, _ = os.waitpid(pid, os.WNOHANG)
        if finished == 0:  # still working: the main process failed and goes on without it
            import signal

            os.kill(pid, signal.SIGKILL)
            os.waitpid(pid, 0)
    except ChildProcessError:
        pass
