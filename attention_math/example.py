"""An example: the sentence and the settings a video is made from, validated when built."""
from __future__ import annotations

import tomllib
from dataclasses import dataclass, fields, replace
from pathlib import Path

from .tokenizer import character_problem, is_slug, slugify, tokenize

# How many tokens each on-screen layout can show with every number readable.
# "explorer": the interactive page (explorer/) zooms and pans, so it takes long sentences.
# "trace": `python -m attention_math trace` (JSON; 512 tokens is ~35 MB, 2,000 was 525 MB).
LAYOUT_MAX_TOKENS = {"full": 64, "figure": 12, "explorer": 512, "trace": 512, "unlimited": 10**9}
POSITIONAL_CHOICES = ("none", "sinusoidal")
# Characters the video layouts accept: far more than their 64 tokens need; keeps messages short.
MAX_SHOWN_CHARS = {"full": 500, "figure": 500}


class ExampleError(ValueError):
    """A bad example setting; the message is one line a user can act on."""


@dataclass(frozen=True)
class Example:
    sentence: str
    d_model: int = 4
    d_k: int = 2  # per head
    heads: int = 2
    seed: int = 0
    causal: bool = False
    positional: str = "none"  # "none" | "sinusoidal"
    precision: int = 2  # decimals shown on screen
    layout: str = "full"
    name: str = ""  # media/<name>/; defaults to a slug of the sentence
    lang: str = ""  # the lesson's language (scenes/words checks it); "" = the command's choice or English
    captions: str = ""  # a teacher's words file (CAPTIONS=), relative to the example file when read from one

    def __post_init__(self) -> None:
        if not isinstance(self.sentence, str) or not self.sentence.strip():
            raise ExampleError("sentence: must not be empty")
        if len(self.sentence) > MAX_SHOWN_CHARS.get(self.layout, len(self.sentence)):
            limit = MAX_SHOWN_CHARS[self.layout]
            raise ExampleError(f"sentence: {len(self.sentence):,} characters; at most {limit} fit on screen")
        problem = character_problem(self.sentence)
        if problem:
            raise ExampleError(f"sentence: {problem}")
        tokens = tokenize(self.sentence)
        if not tokens:
            raise ExampleError(f"sentence: {self.sentence!r} has no words to attend over")
        for name in ("d_model", "d_k", "heads", "precision"):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int) or value <= 0:
                raise ExampleError(f"{name}: must be a whole number > 0, got {value!r}")
        if self.heads * self.d_k != self.d_model:
            raise ExampleError(
                f"heads × d_k must equal d_model: {self.heads} × {self.d_k} ≠ {self.d_model}"
            )
        if self.precision > 6:
            raise ExampleError(f"precision: at most 6 decimals, got {self.precision}")
        if isinstance(self.seed, bool) or not isinstance(self.seed, int) or self.seed < 0:
            raise ExampleError(f"seed: must be a whole number ≥ 0, got {self.seed!r}")
        if not isinstance(self.causal, bool):
            raise ExampleError(f"causal: must be true or false, got {self.causal!r}")
        if self.positional not in POSITIONAL_CHOICES:
            raise ExampleError(f"positional: one of {', '.join(POSITIONAL_CHOICES)}, got {self.positional!r}")
        if self.layout not in LAYOUT_MAX_TOKENS:
            raise ExampleError(f"layout: one of {', '.join(LAYOUT_MAX_TOKENS)}, got {self.layout!r}")
        limit = LAYOUT_MAX_TOKENS[self.layout]
        if len(tokens) > limit:
            raise ExampleError(
                f"sentence: {len(tokens)} tokens, but the {self.layout!r} layout shows at most {limit}"
            )
        for name in ("lang", "captions"):  # carried through: scenes/words checks the language and the file
            if not isinstance(getattr(self, name), str):
                raise ExampleError(f"{name}: must be text, got {getattr(self, name)!r}")
        if not self.name:
            object.__setattr__(self, "name", slugify(self.sentence))
        elif not isinstance(self.name, str) or not is_slug(self.name):
            raise ExampleError(f"name: use lowercase letters, digits and '-', got {self.name!r}")

    @property
    def tokens(self) -> tuple[str, ...]:
        return tokenize(self.sentence)

    def with_changes(self, **changes) -> "Example":
        return replace(self, **changes)


def load_example(path: str | Path) -> Example:
    """Read an example from TOML; its name is the file's stem unless the file sets one."""
    path = Path(path)
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ExampleError(f"example file not found: {path}") from None
    except IsADirectoryError:
        raise ExampleError(f"{path} is a folder; give an example .toml file") from None
    except OSError as err:  # unreadable: permissions, a broken link, a device
        raise ExampleError(f"cannot read {path}: {err.strerror or err}") from None
    except UnicodeDecodeError as err:
        raise ExampleError(f"{path}: not UTF-8 text (byte {err.start + 1})") from None
    except tomllib.TOMLDecodeError as err:
        raise ExampleError(f"{path}: not valid TOML ({err})") from None
    known = {f.name for f in fields(Example)}
    unknown = sorted(set(data) - known)
    if unknown:
        raise ExampleError(f"{path}: unknown setting(s) {', '.join(map(repr, unknown))}; known: {', '.join(sorted(known))}")
    if "sentence" not in data:
        raise ExampleError(f"{path}: needs a sentence = \"...\" line")
    data.setdefault("name", path.stem)
    if isinstance(data.get("captions"), str) and data["captions"]:
        data["captions"] = str((path.parent / data["captions"]).resolve())  # beside the example file
    return Example(**data)
