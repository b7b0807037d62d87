"""The attention explorer (seed 003): one self-contained, offline HTML page per example.

Pure Python builds the page from trace data (the JSON `python -m attention_math trace`
prints); the page's own JS/CSS (static/) and D3 (vendor/) are inlined. Never imports manim.
"""
from .page import build_fragment, build_page, explorer_data, write_page
from .pair import build_pair_page

__all__ = ["build_fragment", "build_page", "build_pair_page", "explorer_data", "write_page"]
