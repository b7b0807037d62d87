"""The Dask client the engine submits to (engine.py), and every process it started ended after.

Without a scheduler address, a LocalCluster of processes on 127.0.0.1 (one Manim process per
core, one thread each; its HTTP server on a free 127.0.0.1 port, so two renders at once don't
fight over 8787). Whoever reaches a scheduler can run code on its workers,
so a plain tcp:// address that is not loopback is refused unless the user says --insecure."""
from __future__ import annotations

import ipaddress
import logging
import os
import signal
import threading
import time
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlsplit

GRACE_SECONDS = 1.0  # to reap the killed workers
WORKER_START = "fork"  # how a local cluster starts its worker processes (Dask's default: spawn)


class FarmError(Exception):
    """One line for the user: a refused or unreachable scheduler."""


def check_address(address: str, insecure: bool = False, warn=print) -> None:
    """tls:// always; tcp:// only to a loopback host, or with insecure=True (and a warning)."""
    parts = urlsplit(address if "://" in address else f"tcp://{address}")
    if parts.scheme == "tls":
        return
    if parts.scheme not in ("tcp", ""):
        raise FarmError(f"scheduler {address}: use tcp:// or tls://")
    host = parts.hostname or ""
    try:
        loopback = host == "localhost" or ipaddress.ip_address(host).is_loopback
    except ValueError:
        loopback = False
    if loopback:
        return
    if not insecure:
        raise FarmError(f"scheduler {address}: plain tcp:// to another machine lets anyone on the network "
                        "run code on the workers; use tls:// (see README) or pass --insecure")
    warn(f"warning: {address} is plain tcp://: anyone who can reach it can run code on its workers")


@contextmanager
def dask_client(jobs: int, scheduler: str | None = None, insecure: bool = False, log=print):
    """Yields a Dask client; every process it started is gone when it ends."""
    from distributed import Client

    # The scheduler of a local cluster runs in this process: its INFO lines are not the user's business.
    logging.getLogger("distributed").setLevel(logging.CRITICAL if scheduler is None else logging.ERROR)
    cluster = client = None
    try:
        if scheduler:
            check_address(scheduler, insecure, warn=lambda line: log(line))
            client = _connect(scheduler)
        else:
            cluster = _local_cluster(jobs)
            client = Client(cluster)
        yield client
    except BaseException:  # a stop signal: no worker outlives us, whatever it was drawing
        if scheduler is None:  # a graceful close would wait on workers mid-frame: end them first
            _stop_local(cluster)
        elif client is not None:
            client.close(timeout=2)
        raise
    try:
        client.close(timeout=2)
    except (TimeoutError, OSError):
        pass
    if cluster is not None:
        try:
            cluster.close(timeout=5)
        except (TimeoutError, OSError):  # a busy machine: the work is published, end them instead
            end_descendants()
            _drop(cluster)


def _connect(scheduler: str):
    """A client of a running scheduler with at least one worker, or one line within 10 s."""
    from distributed import Client

    security = _security() if scheduler.startswith("tls://") else None
    try:
        client = Client(scheduler, timeout="4s", security=security)  # with our start-up: < 10 s
    except TypeError as error:  # tls:// without certificates configured
        raise FarmError(f"scheduler {scheduler}: tls:// needs certificates (distributed.comm.tls.ca-file, "
                        f".client.cert, .client.key; see README): {error}") from None
    except (OSError, TimeoutError) as error:
        raise FarmError(f"scheduler {scheduler} unreachable: {str(error).splitlines()[0] if str(error) else type(error).__name__}") from None
    try:
        client.wait_for_workers(1, timeout=3)
    except (OSError, TimeoutError):
        client.close(timeout=2)
        raise FarmError(f"scheduler {scheduler} has no workers (none joined within 3 s)") from None
    return client


def _security():
    """tls://: certificates from Dask's own settings (distributed.comm.tls.* in ~/.config/dask or
    DASK_DISTRIBUTED__COMM__TLS__* variables; see README)."""
    from distributed.security import Security

    return Security()


def _local_cluster(jobs: int):
    """Started from a thread with the terminal's SIGINT and SIGHUP blocked: the cluster's own
    thread and the workers it (re)starts inherit that mask, so a Ctrl-C reaches only us, who end
    them, and they print no KeyboardInterrupt of their own. The main thread stays free to stop.
    Killed workers leave a semaphore that the resource tracker would report at exit: silenced."""
    from distributed import LocalCluster

    os.environ.setdefault("PYTHONWARNINGS", "ignore::UserWarning:multiprocessing.resource_tracker")
    started = _STARTING
    started.clear()

    def start() -> None:
        from multiprocessing import resource_tracker

        # Starting the tracker UNBLOCKS SIGINT in the calling thread (multiprocessing does that
        # after spawning it): start it first, or the workers spawned next hear Ctrl-C themselves
        # and print KeyboardInterrupt tracebacks while importing.
        resource_tracker.ensure_running()
        signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT, signal.SIGHUP})
        try:
            import dask

            # A worker killed mid-task (SIGKILL, out of memory): its task runs again elsewhere,
            # at most twice more, then the lesson fails (KilledWorker) instead of looping.
            # No task waits queued on a busy worker: the scheduler hands out the longest (and a
            # lesson's assembly, ranked first) when a process is free.
            # Workers forked from this process start with Manim and the scenes already imported
            # (spawned ones import them again: ≈ 3 s of each worker's start; issue 21).
            dask.config.set({"distributed.scheduler.allowed-failures": 2,
                             "distributed.scheduler.worker-saturation": 1.0,
                             "distributed.worker.multiprocessing-method": WORKER_START})
            started["cluster"] = LocalCluster(n_workers=jobs, threads_per_worker=1, processes=True,
                                              host="127.0.0.1", dashboard_address="127.0.0.1:0", silence_logs=50)
        except BaseException as error:  # handed to the main thread
            started["error"] = error

    thread = threading.Thread(target=start, name="start-local-cluster", daemon=True)
    started["thread"] = thread
    from distributed.deploy.spec import SpecCluster

    started["before"] = set(SpecCluster._instances)
    thread.start()
    while thread.is_alive():
        thread.join(0.05)
    if "error" in started:
        raise started["error"]
    return started["cluster"]


# The local cluster being started (its thread, then the cluster): a stop signal may arrive before
# _local_cluster returns it, and a cluster left open would be closed, noisily, at exit.
_STARTING: dict = {}


def _stop_local(cluster) -> None:
    """End a local cluster at a stop signal, started or still starting: its nannies restart nothing,
    every process we started is killed, and a nanny still starting may fork one more worker after
    a sweep, so sweep again until none has appeared for a moment (else it would outlive us, and
    multiprocessing's exit would wait for it). The clusters are dropped, not closed."""
    from distributed.deploy.spec import SpecCluster

    def ours() -> set:  # the clusters this call started (a half-started one is registered too)
        before = _STARTING.get("before")
        return ({cluster} if cluster is not None else set()) | \
            (set(SpecCluster._instances) - before if before is not None else set())

    for each in ours():
        _no_restarts(each)
    end_descendants()
    quiet_since = time.monotonic()
    deadline = quiet_since + 3 * GRACE_SECONDS
    while time.monotonic() - quiet_since < 0.3 and time.monotonic() < deadline:
        time.sleep(0.05)
        for each in ours():
            _no_restarts(each)
        if _descendants():
            end_descendants()
            quiet_since = time.monotonic()
    for each in ours():
        _drop(each)


def _no_restarts(cluster) -> None:
    """A nanny whose worker dies restarts it: one spawned as we exit fails to read the semaphores
    our exit removed and prints a traceback. Marked closing, the nannies let their workers go."""
    from distributed.core import Status

    for nanny in getattr(cluster, "workers", {}).values():
        nanny.status = Status.closing


def _drop(cluster) -> None:
    """A cluster whose workers we killed: closing it would wait for them (at exit too)."""
    from distributed.core import Status
    from distributed.deploy.spec import SpecCluster

    SpecCluster._instances.discard(cluster)
    cluster.shutdown_on_close = False
    cluster.status = Status.closed


def _children() -> dict[int, list[int]]:
    children: dict[int, list[int]] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            parent = int(stat.read_text().rsplit(")", 1)[1].split()[1])
        except (OSError, IndexError, ValueError):
            continue
        children.setdefault(parent, []).append(int(stat.parent.name))
    return children


def _descendants() -> list[int]:
    """Our processes, but multiprocessing's resource tracker (it cleans up at our exit)."""
    from multiprocessing import resource_tracker

    keep = getattr(resource_tracker._resource_tracker, "_pid", None)
    children, found, todo = _children(), [], [os.getpid()]
    while todo:
        for child in children.get(todo.pop(), []):
            if child == keep:
                continue
            found.append(child)
            todo.append(child)
    return found


def end_descendants() -> None:
    """Freeze every process we started (workers, their LaTeX) so none can fork or be orphaned
    out of reach, then SIGKILL them all: Manim's half-written files are removed by the caller."""
    frozen: set[int] = set()
    while True:
        fresh = [pid for pid in _descendants() if pid not in frozen]
        if not fresh:
            break
        for pid in fresh:
            _send(pid, signal.SIGSTOP)
        frozen.update(fresh)
    for pid in frozen:
        _send(pid, signal.SIGKILL)
    deadline = time.monotonic() + GRACE_SECONDS
    while _descendants() and time.monotonic() < deadline:
        try:
            os.waitpid(-1, os.WNOHANG)
        except ChildProcessError:
            break
        time.sleep(0.01)


def _send(pid: int, signum: int) -> None:
    try:
        os.kill(pid, signum)
    except ProcessLookupError:
        pass
