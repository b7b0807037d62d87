"""Which code a process runs: the content stamp of every output includes it, and a worker whose
code or package version differs from the client's is refused (its frames could differ)."""
from __future__ import annotations

import hashlib
from functools import lru_cache
from pathlib import Path

PROJECT = Path(__file__).resolve().parents[2]


class CodeMismatch(RuntimeError):
    """A worker runs other code than the client."""


@lru_cache(maxsize=1)
def code_fingerprint() -> str:
    """Changes whenever any code that draws or computes changes, so stale outputs re-render."""
    digest = hashlib.sha256()
    for folder in ("scenes", "attention_math", "explorer"):
        # The fontconfig file decides which glyphs are drawn, so it counts as code too.
        for path in sorted(p for pattern in ("*.py", "*.conf") for p in (PROJECT / folder).rglob(pattern)):
            digest.update(path.read_bytes())
    import manim
    digest.update(manim.__version__.encode())
    return digest.hexdigest()


def package_version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("attention-explainer")
    except PackageNotFoundError:
        return "not installed"


def identity() -> tuple[str, str]:
    """(package version, code fingerprint): what client.run asks every worker."""
    return package_version(), code_fingerprint()


def check_code(expected: str) -> None:
    """Inside a task: refuse to draw with code that is not the client's."""
    if code_fingerprint() != expected:
        raise CodeMismatch(f"this worker runs other code (fingerprint {code_fingerprint()[:12]}, the client's "
                           f"{expected[:12]}): install the same version of attention-explainer on every worker")
