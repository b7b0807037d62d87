"""Progress for long calls: a notebook bar in Jupyter, a terminal bar in a TTY, one line per step
when the output is piped (a log file gets readable lines, not carriage returns)."""
from __future__ import annotations

import re
import sys
from contextlib import contextmanager

_STEP = re.compile(r"^\[(\d+)/(\d+)\] (.*)$")


def _size(stream) -> dict:
    """Nothing (tqdm follows the terminal) unless the terminal says it is 0 × 0 (a pty nobody sized):
    then 80 columns and 24 rows, or tqdm would draw nothing."""
    import os

    try:
        size = os.get_terminal_size(stream.fileno())
    except (OSError, ValueError, AttributeError):
        return {"ncols": 80, "nrows": 24}
    return {} if size.columns > 0 and size.lines > 0 else {"ncols": 80, "nrows": 24}


def in_notebook() -> bool:
    try:
        from IPython import get_ipython
    except ImportError:
        return False
    shell = get_ipython()
    return shell is not None and type(shell).__name__ == "ZMQInteractiveShell"


def bar_kind(stream=None) -> str:
    """'notebook', 'terminal' or 'lines': what this process shows progress with."""
    if in_notebook():
        return "notebook"
    stream = stream or sys.stderr
    return "terminal" if hasattr(stream, "isatty") and stream.isatty() else "lines"


class Progress:
    """`step(text)` advances by one; `note(text)` says something without advancing."""

    def __init__(self, total: int, description: str, enabled: bool = True, stream=None):
        self.stream = stream or sys.stderr
        self.kind = bar_kind(self.stream) if enabled else "off"
        self.total, self.done, self.description = total, 0, description
        self.bar = None
        if self.kind == "notebook":
            try:
                from tqdm.notebook import tqdm as notebook_tqdm
                self.bar = notebook_tqdm(total=total, desc=description)
            except ImportError:  # no ipywidgets: the notebook gets the text bar
                self.kind = "terminal"
        if self.kind == "terminal":
            from tqdm import tqdm
            self.bar = tqdm(total=total, desc=description, file=self.stream, leave=True,
                            **_size(self.stream))

    def step(self, text: str, total: int | None = None) -> None:
        if total is not None and total != self.total:
            self.total = total
            if self.bar is not None:
                self.bar.total = total
        self.done += 1
        if self.bar is not None:
            self.bar.set_postfix_str(text, refresh=False)
            self.bar.update(1)
        elif self.kind == "lines":
            print(f"{self.description} [{self.done}/{self.total}] {text}", file=self.stream, flush=True)

    def note(self, text: str) -> None:
        if self.bar is not None:
            self.bar.set_postfix_str(text)
        elif self.kind == "lines":
            print(f"{self.description}: {text}", file=self.stream, flush=True)

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()
            self.bar = None

    def render_log(self, *parts, file=None, **_ignored) -> None:
        """A `log` for scenes.pipeline.run.render: its "[k/n] segment: done" lines advance the bar;
        error lines go to stderr as they are (they are the one-line errors)."""
        text = " ".join(str(part) for part in parts)
        match = _STEP.match(text)
        if match:
            self.step(match.group(3), total=int(match.group(2)))
        elif text.startswith(("error:", "interrupted")):
            self.errors.append(text)
        else:
            self.note(text)

    @property
    def errors(self) -> list[str]:
        if not hasattr(self, "_errors"):
            self._errors = []
        return self._errors


@contextmanager
def progress(total: int, description: str, enabled: bool = True):
    bar = Progress(total, description, enabled)
    try:
        yield bar
    finally:
        bar.close()
