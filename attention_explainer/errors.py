"""Named exceptions of the Python API. Each carries the one line the CLI prints after `error: `,
and shows as that one line in a notebook (no traceback through Manim, LaTeX or numpy)."""
from __future__ import annotations

from attention_math.example import ExampleError


class ExplainerError(ExampleError):
    """Every error of the API: catch this one to catch them all. `str(error)` is the CLI's line."""

    exit_code = 2

    def _render_traceback_(self) -> list[str]:  # IPython shows this instead of a traceback
        return [f"{type(self).__name__}: {self}"]


class SentenceError(ExplainerError):
    """The sentence: empty, too long for the model or the layout, characters that can't be shown."""


class ExampleFileError(ExplainerError):
    """An example TOML file: missing, unreadable, not TOML, an unknown or wrong setting."""


class ModelError(ExplainerError):
    """The model: not found, not supported, weights that don't match, too big for the memory."""


class SettingError(ExplainerError):
    """A setting: heads, d_model, seed, precision, layer, head, quality, scenes, a flag that doesn't apply."""


class TokenChoiceError(SettingError):
    """QUERY or KEY: not a token of the sentence, there twice, out of range, a key after a causal query."""


class RenderError(ExplainerError):
    """A render failed or a render process died; earlier outputs were left as they were."""

    exit_code = 1


class Interrupted(RenderError):
    """A render stopped by Ctrl-C or a signal; earlier outputs were left as they were."""


_EXAMPLE_FILE_WORDS = ("not valid TOML", "not UTF-8", "unknown setting", "is a folder", "cannot read",
                       "needs a sentence", "no such file")


def classify(message: str) -> type[ExplainerError]:
    """The class for one of the CLI's error lines (the line decides: the CLI and the API share it)."""
    head = message.split(":", 1)[0]
    if head == "model" or message.startswith("the model splits"):
        return SentenceError if message.startswith("the model splits") else ModelError
    if head == "sentence" or message.startswith(("give a sentence", "give SENTENCE")):
        return SentenceError
    if head.endswith(".toml") or any(word in message for word in _EXAMPLE_FILE_WORDS):
        return ExampleFileError
    if message.startswith(("QUERY", "KEY", "--query", "--key", "the key token")):
        return TokenChoiceError
    return SettingError


def named(error: Exception) -> ExplainerError:
    """Our named exception for an ExampleError / ValueError raised by the shared code."""
    if isinstance(error, ExplainerError):
        return error
    message = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
    return classify(message)(message)


__all__ = ["ExampleFileError", "ExplainerError", "Interrupted", "ModelError", "RenderError", "SentenceError",
           "SettingError", "TokenChoiceError", "classify", "named"]
