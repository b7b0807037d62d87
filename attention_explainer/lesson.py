"""`explain(...)` → a Lesson: the trace of one sentence through one model, and every output of it.

    lesson = explain("The animal didn't cross the street because it was too tired", model="smollm2", query="it")
    lesson                 # in a notebook: the explorer, inline
    lesson.trace           # the frozen trace the videos use (numpy arrays)
    lesson.to_json("t.json")   # what `python -m attention_math trace` prints
"""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from types import SimpleNamespace

from . import inputs
from .errors import ModelError, named
from .progress import progress


@dataclass(eq=False)
class Lesson:
    """One sentence through one model. `layer`, `head`, `query`, `key` are 0-based (None: not chosen)."""
    choices: inputs.Choices
    loaded: object = field(repr=False)  # the registry's LoadedModel
    trace: object = field(repr=False)  # AttentionTrace (toy) / ModelTrace / DecoderTrace
    sentence: str = ""
    causal: bool | None = None
    layer: int = 0
    head: int = 0
    query: int | None = None
    key: int | None = None
    model_object: object = field(default=None, repr=False)  # a transformers model given in memory
    tokenizer_object: object = field(default=None, repr=False)
    _json: dict | None = field(default=None, repr=False)

    @property
    def model_name(self) -> str:
        return self.loaded.spec.name

    @property
    def tokens(self) -> tuple[str, ...]:
        return tuple(self.trace.tokens)

    @property
    def trained(self) -> bool:
        return bool(self.loaded.spec.trained)

    def __repr__(self) -> str:
        where = f", layer {self.layer + 1}, head {self.head + 1}" if self.trained else ""
        query = f", query {self.tokens[self.query]!r}" if self.query is not None else ""
        return f"<Lesson {self.sentence!r} · {self.model_name} · {len(self.tokens)} tokens{where}{query}>"

    # The trace as the CLI prints it ---------------------------------------------------------
    def trace_data(self) -> dict:
        """The JSON-ready dict `python -m attention_math trace` prints for these choices."""
        if self._json is None:
            if self.trained:
                from attention_math.models.export import trace_data
                self._json = trace_data(self.loaded, self.sentence, self.causal)
            else:
                self._json = self.trace.to_dict()
        return self._json

    def to_json(self, path: str | Path | None = None, indent: int | None = None) -> str:
        """Exactly what `python -m attention_math trace ... [--indent N]` prints; written to `path` if given."""
        text = json.dumps(self.trace_data(), indent=indent, allow_nan=False) + "\n"
        if path is not None:
            Path(path).write_text(text, encoding="utf-8")
        return text

    # The explorer -----------------------------------------------------------------------------
    def explorer(self, layers=None, heads=None, max_cells: int | None = None):
        """The interactive explorer as a notebook output (see display.py for the size bound)."""
        from .display import lesson_explorer

        return lesson_explorer(self, layers, heads, max_cells)

    def _repr_html_(self) -> str:
        from .errors import ExplainerError

        try:
            return self.explorer()._repr_html_()
        except ExplainerError as error:  # e.g. a real model on over 64 tokens: say why, in one line
            import html

            return f"<p><code>{html.escape(repr(self))}</code>: no explorer ({html.escape(str(error))})</p>"

    def save_explorer(self, path: str | Path, layers=None, heads=None) -> Path:
        """The stand-alone page (`explore` writes the same) at `path`."""
        from .display import page_for

        return page_for(self, Path(path), layers, heads)

    # Files: render, stills, figure, slides -----------------------------------------------------
    def render(self, quality: str = "medium", scenes=None, out: str | Path = "media", jobs: int = 2,
               progress: bool = True):
        """The MP4s, subtitles, stills and slides `python -m scenes render` writes; displays as a video."""
        from .outputs import run_render

        return run_render(self, "render", quality, scenes, Path(out), jobs, progress)

    def stills(self, quality: str = "low", scenes=None, out: str | Path = "media", jobs: int = 2,
               progress: bool = True):
        """Stills, storyboard.png, slides.pdf and slides.pptx, no video (`python -m scenes stills`)."""
        from .outputs import run_render

        return run_render(self, "stills", quality, scenes, Path(out), jobs, progress)

    def figure(self, out: str | Path = "media"):
        """self_attention.png (800×500), a transparent twin and @2x (`python -m scenes figure`)."""
        from .outputs import run_figure

        return run_figure(self, Path(out))

    def to_pptx(self, path: str | Path, quality: str = "low", scenes=None, progress: bool = True) -> Path:
        """slides.pptx of the stills, copied to `path`."""
        import shutil

        result = self.stills(quality=quality, scenes=scenes, progress=progress)
        target = Path(path)
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(result.folder / "slides.pptx", target)
        return target


def _stack(trace, trained: bool):
    if trained:
        return trace
    return SimpleNamespace(tokens=trace.tokens, causal=trace.causal, layers=(SimpleNamespace(attention=trace),))


def explain(sentence: str | None = None, *, model="toy", tokenizer=None, example: str | Path | None = None,
            query: str | int | None = None, key: str | int | None = None, layer: int | None = None,
            head: int | None = None, causal: bool | None = None, heads: int | None = None,
            d_model: int | None = None, d_k: int | None = None, seed: int | None = None,
            positional: str | None = None, precision: int | None = None, lang: str | None = None,
            captions: str | Path | None = None, progress: bool = True) -> Lesson:
    """Trace `sentence` (or an example TOML file) through `model` and return the Lesson.

    `model`: any model the CLI takes (toy, minilm, smollm2, a Hugging Face folder, a cached hub id, a
    .gguf file, ollama:NAME), or a loaded `transformers` model with `tokenizer=` its tokenizer.
    `layer`, `head` are 1-based like the CLI's; `query`/`key` a word or a 1-based position.
    `heads` … `precision` set the toy model. `lang` (en, id, hi, ja, es) and `captions` (a words file) are
    the lesson's language and a teacher's words. Bad input raises a named ExplainerError (one line).
    """
    settings = dict(heads=heads, d_model=d_model, d_k=d_k, seed=seed, positional=positional, precision=precision)
    chosen = inputs.choices(sentence, example, model, causal, layer, head, query, key, settings, lang, captions)
    with _progress_of(progress) as bar:
        loaded = _load(model, tokenizer, chosen)
        bar.step(f"model: {loaded.spec.name}")
        if loaded.spec.trained:
            text, causal_used = inputs.trained_sentence(chosen, chosen.model or loaded.spec.name)
            try:
                trace = loaded.trace(text, causal=causal_used if loaded.spec.kind == "encoder" else None)
            except ValueError as error:
                raise named(error) from None
            n_layers, n_heads = loaded.spec.n_layers, loaded.spec.n_heads
        else:
            from attention_math import trace_example

            example_used = inputs.toy_example(chosen, "trace")
            try:
                trace = trace_example(example_used)
            except ValueError as error:
                raise named(error) from None
            text, causal_used, n_layers, n_heads = example_used.sentence, example_used.causal, 1, len(trace.heads)
        bar.step(f"trace: {len(trace.tokens)} tokens")
        picked = inputs.focus(chosen, loaded, _stack(trace, loaded.spec.trained), n_layers, n_heads)
        bar.step("focus")
    return Lesson(chosen, loaded, trace, text, causal_used, *picked,
                  model_object=None if chosen.model is not None else model, tokenizer_object=tokenizer)


def _load(model, tokenizer, chosen: inputs.Choices):
    if chosen.model is None:
        from .memory import loaded_from_memory

        return loaded_from_memory(model, tokenizer)
    if tokenizer is not None:
        raise ModelError("model: tokenizer= goes with a model object in memory; a model named by text brings its own")
    from attention_math.models.registry import resolve

    try:
        return resolve(chosen.model)
    except (ValueError, OSError) as error:
        raise named(error) from None


def _progress_of(enabled: bool):
    return progress(3, "explain", enabled)
