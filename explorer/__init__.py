"""The attention explorer (seed 003): one self-contained, offline HTML page per example.

Pure Python builds the page from trace data (the JSON `python -m attention_math trace`
prints); the page's own JS/CSS (static/) and D3 (vendor/) are inlined. Never imports manim.
"""
from .page import build_page, write_page

__all__ = ["build_page", "write_page"]
