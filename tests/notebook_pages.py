"""The example notebook executed with nbclient (a real ipykernel), and its outputs as one page, the
way a notebook front end or an HTML export puts every output into one document."""
from __future__ import annotations

import html
import os
import shutil
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
