"""The example notebook executed with nbclient (a real ipykernel), and its outputs as one page, the
way a notebook front end or an HTML export puts every output into one document."""
from __future__ import annotations

import html
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOK = ROOT / "examples" / "explainer.ipynb"


def execute_notebook(folder: Path) -> Path:
    """Run examples/explainer.ipynb top to bottom in `folder` (media/ lands there); the executed copy."""
    import nbformat
    from nbclient import NotebookClient

    shutil.copy(NOTEBOOK, folder / NOTEBOOK.name)
    notebook = nbformat.read(folder / NOTEBOOK.name, as_version=4)
    before = os.environ.get("PYTHONPATH")
    os.environ["PYTHONPATH"] = str(ROOT)  # the kernel imports this checkout's package
    try:
        NotebookClient(notebook, kernel_name="python3", timeout=300,
                       resources={"metadata": {"path": str(folder)}}).execute()
    finally:
        if before is None:
            os.environ.pop("PYTHONPATH", None)
        else:
            os.environ["PYTHONPATH"] = before
    executed = folder / "executed.ipynb"
    nbformat.write(notebook, executed)
    return executed


def outputs_page(executed: Path, target: Path) -> Path:
    """Every rich output of the executed notebook in one HTML document, cell after cell."""
    import nbformat

    notebook = nbformat.read(executed, as_version=4)
    parts = []
    for number, cell in enumerate(notebook.cells, 1):
        for output in cell.get("outputs", []):
            data = output.get("data", {})
            if "text/html" in data:
                parts.append(f'<section class="cell" data-cell="{number}">{data["text/html"]}</section>')
            elif "image/png" in data:
                parts.append(f'<section class="cell" data-cell="{number}"><img src="data:image/png;base64,'
                             f'{data["image/png"]}" width="720"></section>')
            elif output.get("output_type") == "stream":
                parts.append(f'<section class="cell" data-cell="{number}"><pre>{html.escape(output["text"])}</pre></section>')
    target.write_text("<!doctype html><html><head><meta charset='utf-8'><title>executed notebook</title></head><body>"
                      + "\n".join(parts) + "</body></html>", encoding="utf-8")
    return target


def explorer_prefixes(page) -> list[str]:
    """The id prefixes of the explorers in the page, in document order."""
    return page.evaluate("Array.from(document.querySelectorAll('.ax-root')).map((r) => r.id.slice(0, -'root'.length))")


@dataclass
class LabServer:
    process: subprocess.Popen
    url: str
    token: str
    notebook: str


def signed_copy(executed: Path, folder: Path) -> dict:
    """Copy the executed notebook into `folder` and trust it (`jupyter trust`) in a Jupyter data dir of its
    own; returns the environment (config, data, runtime dirs under `folder`) the server must use."""
    env = {key: value for key, value in os.environ.items() if not key.startswith("JUPYTER")}
    for name in ("CONFIG", "DATA", "RUNTIME"):
        env[f"JUPYTER_{name}_DIR"] = str(folder / f".jupyter-{name.lower()}")
    env["IPYTHONDIR"] = str(folder / ".ipython")
    env["PYTHONPATH"] = str(ROOT)
    shutil.copy(executed, folder / executed.name)
    subprocess.run([str(Path(sys.executable).parent / "jupyter"), "trust", executed.name], cwd=folder, env=env,
                   check=True, capture_output=True, timeout=60)
    return env


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_jupyterlab(folder: Path, env: dict, timeout: float = 60) -> LabServer:
    port, token = _free_port(), secrets.token_hex(16)
    command = [str(Path(sys.executable).parent / "jupyter"), "lab", "--no-browser", "--ip=127.0.0.1", f"--port={port}",
               f"--IdentityProvider.token={token}", f"--ServerApp.root_dir={folder}", "--LabApp.news_url=",
               "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate", "--LabApp.extension_manager=readonly",
               *(["--allow-root"] if os.geteuid() == 0 else [])]  # the machines here run everything as root
    log = open(folder / "jupyterlab.log", "wb")
    process = subprocess.Popen(command, cwd=folder, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"jupyter lab exited with {process.returncode}: {(folder / 'jupyterlab.log').read_text()[-2000:]}")
        try:
            with urllib.request.urlopen(f"{url}/api/status?token={token}", timeout=2) as response:
                if response.status == 200:
                    return LabServer(process, url, token, "executed.ipynb")
        except OSError:
            time.sleep(0.3)
    stop_jupyterlab(LabServer(process, url, token, ""))
    raise RuntimeError("jupyter lab did not answer within a minute")


def stop_jupyterlab(server: LabServer) -> None:
    """SIGTERM to the server's process group (the server and its kernels), then SIGKILL if needed."""
    for signum, wait in ((signal.SIGTERM, 15), (signal.SIGKILL, 5)):
        try:
            os.killpg(server.process.pid, signum)
        except ProcessLookupError:
            return
        try:
            server.process.wait(timeout=wait)
            return
        except subprocess.TimeoutExpired:
            continue
