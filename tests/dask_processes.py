"""Real Dask processes for the course tests: a `dask scheduler` and `dask worker`s on 127.0.0.1,
each worker in its own temporary folder (no disk shared with the client), all stopped after."""
from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import av

ROOT = Path(__file__).resolve().parent.parent
DASK = Path(sys.executable).parent / "dask"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Farm:
    """One scheduler and its workers, each its own process group (a SIGKILL takes nanny and worker)."""

    def __init__(self, scratch: Path) -> None:
        self.scratch, self.port = scratch, free_port()
        self.address = f"tcp://127.0.0.1:{self.port}"
        self.processes: list[subprocess.Popen] = []
        self.env = {**os.environ, "PYTHONPATH": str(ROOT)}  # the package, as if installed there

    def _start(self, args: list[str], folder: Path) -> subprocess.Popen:
        folder.mkdir(parents=True, exist_ok=True)
        process = subprocess.Popen([str(DASK), *args], cwd=folder, env=self.env, start_new_session=True,
                                   stdout=subprocess.DEVNULL, stderr=open(folder / "log.txt", "w"))
        self.processes.append(process)
        return process

    def scheduler(self, tls: list[str] | None = None) -> None:
        """`tls`: the --tls-* flags of a scheduler (and its workers) that speaks tls:// only."""
        self.tls = tls or []
        if tls:
            self.address = f"tls://127.0.0.1:{self.port}"
        self._start(["scheduler", "--host", "127.0.0.1", "--port", str(self.port), "--no-dashboard",
                     *(["--protocol", "tls", *tls] if tls else [])], self.scratch / "scheduler")
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            with socket.socket() as sock:
                if sock.connect_ex(("127.0.0.1", self.port)) == 0:
                    return
            time.sleep(0.1)
        raise RuntimeError("the scheduler did not start")

    def worker(self, name: str) -> tuple[subprocess.Popen, Path]:
        folder = self.scratch / name
        process = self._start(["worker", self.address, "--nworkers", "1", "--nthreads", "1", "--no-dashboard",
                               "--local-directory", str(folder / "local"), "--name", name, *self.tls], folder)
        return process, folder

    def wait_for_workers(self, count: int, security=None) -> None:
        from distributed import Client

        with Client(self.address, timeout="20s", security=security) as client:
            client.wait_for_workers(count, timeout=60)

    def stop(self) -> None:
        for process in self.processes:
            try:
                os.killpg(process.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            process.wait()


def session_alive(pid: int, grace: float = 5.0) -> bool:
    """A process of that session still runs (not a zombie) after `grace` seconds to die."""
    deadline = time.monotonic() + grace
    while _session_alive(pid) and time.monotonic() < deadline:
        time.sleep(0.05)
    return _session_alive(pid)


def _session_alive(pid: int) -> bool:
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[3]) == pid and fields[0] != "Z":
            return True
    return False


def frame_hashes(video: Path) -> list[bytes]:
    import hashlib

    with av.open(str(video)) as container:
        return [hashlib.sha256(frame.to_ndarray(format="rgb24").tobytes()).digest()
                for frame in container.decode(video=0)]


def leftovers(media: Path) -> list[Path]:
    """Partial files, staging folders and kept segments that a finished course must not leave."""
    return [p for p in media.rglob("*") if p.name.startswith((".partial-", ".staging-", ".done"))]


def course(media: Path, course_file: Path, *flags: str, timeout: float = 240) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "scenes", "course", str(course_file), "--media-dir", str(media),
                           *flags], capture_output=True, text=True, cwd=ROOT, timeout=timeout)


def certificates(folder: Path) -> dict[str, Path]:
    """A throw-away CA and one certificate for 127.0.0.1 signed by it (openssl)."""
    folder.mkdir(parents=True, exist_ok=True)
    run = lambda *args: subprocess.run(["openssl", *args], cwd=folder, check=True, capture_output=True)  # noqa: E731
    run("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", "ca.key", "-out", "ca.pem", "-days", "1",
        "-subj", "/CN=test-ca")
    run("req", "-newkey", "rsa:2048", "-nodes", "-keyout", "node.key", "-out", "node.csr", "-subj", "/CN=127.0.0.1")
    (folder / "ext.cnf").write_text("subjectAltName=IP:127.0.0.1\n")
    run("x509", "-req", "-in", "node.csr", "-CA", "ca.pem", "-CAkey", "ca.key", "-CAcreateserial", "-out",
        "node.pem", "-days", "1", "-extfile", "ext.cnf")
    return {"ca": folder / "ca.pem", "cert": folder / "node.pem", "key": folder / "node.key"}
