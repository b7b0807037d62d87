"""One registry: from what the user typed to a model that says what it can do.

    model = resolve("minilm")                     # a built-in: toy, minilm, smollm2
    model = resolve("/path/to/a/hf/folder")       # config.json + weights + tokenizer.json
    model = resolve("openai-community/gpt2")      # only from the local Hugging Face cache
    model.spec.kind, model.spec.grouped_query     # what applies: playlists and captions ask this
    trace = model.trace("The cat sat", upto_layer=2)

A family is one module in families/ (MODEL_TYPES, describe, forward) and one line in FAMILIES.
Nothing outside this package compares a model's name.
"""
from __future__ import annotations

import hashlib
import importlib
import os
import re
import sys
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from functools import lru_cache
from pathlib import Path

from ..example import ExampleError
from . import loaders
from .families import bert, gpt2, llama
from .spec import ModelSpec


def _optional_family(name: str):
    """A family module that another part of the work adds (gemma3 comes with GGUF support)."""
    try:
        return importlib.import_module(f"{__package__}.families.{name}")
    except ModuleNotFoundError as error:
        if error.name != f"{__package__}.families.{name}":
            raise
        return None


FAMILIES = tuple(family for family in (bert, gpt2, llama, _optional_family("gemma3")) if family is not None)
MAX_SHOWN_TOKENS = 64  # the longest sentence a video or page lays out
TOY_SPEC = ModelSpec(name="toy model", slug="", family="seeded", architecture="seeded", kind="seeded", causal=False,
                     positions="none", n_layers=1, d_model=4, n_heads=2, n_kv_heads=2, head_dim=2,
                     max_positions=512, windows=(None,))


@dataclass(frozen=True, eq=False)
class LoadedModel:
    """A resolved model: its spec, and how to tokenize and trace a sentence with it."""
    spec: ModelSpec
    config: Mapping = field(default_factory=dict, repr=False)
    weights: Mapping | None = field(default=None, repr=False)
    tokenizer: object = field(default=None, repr=False)
    family: object = field(default=None, repr=False)
    add_special: bool = True  # the tokenizer's post-processor adds [CLS]/[SEP] or a BOS

    def tokenize(self, sentence: str) -> tuple[tuple[str, ...], tuple[int, ...]]:
        """Token texts as shown (a BPE token decoded, so " animal" keeps its space) and ids."""
        if self.tokenizer is None:
            raise ExampleError(f"model: {self.spec.name} has no tokenizer")
        if not isinstance(sentence, str) or not sentence.strip():
            raise ExampleError("sentence: must not be empty")
        encoding = self.tokenizer.encode(sentence, add_special_tokens=self.add_special)
        ids = tuple(encoding.ids)
        limit = min(self.spec.max_positions, MAX_SHOWN_TOKENS * 2)
        if len(ids) > limit:
            raise ExampleError(f"sentence: {len(ids)} {self.spec.tokens_named}, but {self.spec.name} takes at most "
                               f"{limit}")
        if self.spec.tokenizer_kind == "wordpiece":
            return tuple(encoding.tokens), ids
        return tuple(self.decode(i) for i in ids), ids

    def decode(self, token_id: int) -> str:
        """A token's text; one that decodes to nothing (an unused id) is shown by its vocabulary entry or id."""
        text = self.tokenizer.decode([token_id], skip_special_tokens=False)
        return text or self.tokenizer.id_to_token(token_id) or f"#{token_id}"

    def trace(self, sentence: str, causal: bool | None = None, upto_layer: int | None = None):
        tokens, ids = self.tokenize(sentence)
        return _traced(self, sentence, causal, upto_layer, tokens, ids)


@lru_cache(maxsize=4)
def _traced(model: LoadedModel, sentence, causal, upto_layer, tokens, ids):
    extra = {} if model.spec.kind == "encoder" else {"decode": model.decode,
                                                      "quantisation": model.spec.quantisation_note or ""}
    return model.family.forward(model.config, model.weights, ids, tokens, sentence, causal=causal,
                                upto_layer=upto_layer, **extra)


def family_of(config: Mapping):
    model_type = config.get("model_type")
    for family in FAMILIES:
        if model_type in family.MODEL_TYPES:
            return family
    supported = ", ".join(t for family in FAMILIES for t in family.MODEL_TYPES)
    architecture = (config.get("architectures") or [model_type])[0]
    raise ExampleError(f"model: architecture {architecture!r} (model_type {model_type!r}) is not supported; "
                       f"supported model types: {supported}")


def resolve(text: str) -> LoadedModel:
    """The model `text` names; ExampleError with one line when it can't be found or used."""
    text = str(text).strip()
    if text in BUILT_INS:
        return BUILT_INS[text]()
    path = Path(text).expanduser()
    if text.endswith(".gguf") or text.startswith("ollama:"):
        return _gguf_model(text)
    if path.is_dir():
        return _cached_folder(str(path.resolve()))
    if path.exists():
        raise ExampleError(f"model: {text} is a file; give the folder that holds config.json (or a .gguf file)")
    if re.fullmatch(r"[\w.-]+/[\w.-]+", text) and not text.startswith((".", "/")):
        return _cached_folder(str(hub_cache_folder(text)))
    names = ", ".join(BUILT_INS)
    raise ExampleError(f"model: {text!r} is neither a built-in model ({names}), a model folder, nor a hub id "
                       "(ORG/NAME) in the local Hugging Face cache")


def hub_cache_folder(repo_id: str) -> Path:
    """The snapshot folder of a hub id in the local Hugging Face cache; never the network."""
    home = Path(os.environ.get("HF_HOME", Path.home() / ".cache" / "huggingface"))
    hub = Path(os.environ.get("HF_HUB_CACHE", home / "hub"))
    repo = hub / ("models--" + repo_id.replace("/", "--"))
    snapshots = repo / "snapshots"
    ref = repo / "refs" / "main"
    revision = ref.read_text().strip() if ref.is_file() else None
    candidates = [snapshots / revision] if revision else sorted(snapshots.glob("*")) if snapshots.is_dir() else []
    for folder in candidates:
        if (folder / "config.json").is_file():
            return folder
    raise ExampleError(f"model: {repo_id} is not on this machine (looked in {hub}); nothing is downloaded here: "
                       f"on a machine with internet run `huggingface-cli download {repo_id}` and copy {repo} "
                       "here, or give the model's folder")


@lru_cache(maxsize=4)
def _cached_folder(folder: str) -> LoadedModel:
    return load_folder(Path(folder))


def load_folder(folder: Path, name: str | None = None, slug: str | None = None,
                check_memory: Callable[[int], None] | None = None) -> LoadedModel:
    """A Hugging Face model folder: config.json, weights (safetensors or a tensors-only .bin), tokenizer.json."""
    config = loaders.read_config(folder)
    family_of(config)  # an unsupported architecture is said before any weight is read
    weights = loaders.weights_in(folder)
    (check_memory or ensure_fits)(weights.n_bytes())
    tokenizer = loaders.load_tokenizer(folder)
    name = name or config.get("_name_or_path") or folder.name
    name = Path(str(name)).name if "/" not in str(name) or Path(str(name)).exists() else str(name)
    return model_from_parts(config, weights, tokenizer, str(folder), name, slug, check_memory=lambda _: None)


def model_from_parts(config: Mapping, weights: Mapping, tokenizer, source: str, name: str, slug: str | None = None,
                     dtype: str | None = None, quantisation_note: str | None = None, add_special: bool = True,
                     check_memory: Callable[[int], None] | None = None) -> LoadedModel:
    """A model from a Hugging Face-style config dict, tensors under Hugging Face names and a `tokenizers`
    Tokenizer, wherever they came from (a folder, a GGUF file): the family is picked by model_type, the
    memory estimate, the spec and the weights-match-config check are the same for every source."""
    family = family_of(config)
    if check_memory is None:
        ensure_fits(weights.n_bytes() if hasattr(weights, "n_bytes") else 0)
    else:
        check_memory(weights.n_bytes() if hasattr(weights, "n_bytes") else 0)
    slug = slug or f"{re.sub(r'[^a-z0-9]+', '-', name.lower()).strip('-')[:24]}-" \
                   f"{hashlib.sha256(source.encode()).hexdigest()[:6]}"
    dtype = dtype or (weights.dtype_name() if hasattr(weights, "dtype_name") else "float32")
    spec = family.describe(config, source, dtype, name, slug)
    if quantisation_note:
        spec = replace(spec, quantisation_note=quantisation_note)
    _check_weights(family, config, weights, spec)
    return LoadedModel(spec=spec, config=config, weights=weights, tokenizer=tokenizer, family=family,
                       add_special=add_special)


def _check_weights(family, config: Mapping, weights: Mapping, spec: ModelSpec) -> None:
    """Weights that don't match the config fail here, in one line, not deep in a matrix product."""
    layers = {int(m.group(1)) for name in weights for m in [re.search(r"\.(\d+)\.", name)] if m}
    if layers and max(layers) + 1 != spec.n_layers:
        raise ExampleError(f"model: config.json says {spec.n_layers} layers but the weights hold {max(layers) + 1}")
    try:
        family.forward(config, weights, [0], ["probe"], "probe", upto_layer=0)
    except KeyError as missing:
        raise ExampleError(f"model: the weights lack tensor {missing.args[0]} that a {spec.architecture} with this "
                           "config.json needs") from None
    except ValueError as error:
        raise ExampleError(f"model: the weights don't match config.json ({error})") from None


def ensure_fits(n_bytes: int) -> None:
    """One line before loading a model whose float64 working set can't fit in the free memory."""
    need = n_bytes * 2  # weights stay mapped; one layer at a time is widened, the trace adds little
    available = _available_memory()
    if available is not None and need > available:
        raise ExampleError(f"model: about {need / 1e9:.1f} GB would be needed and {available / 1e9:.1f} GB is "
                           "available; choose a smaller model or free memory")


def _available_memory() -> int | None:
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemAvailable:"):
                return int(line.split()[1]) * 1024
    except OSError:
        return None
    return None


def _gguf_model(text: str) -> LoadedModel:
    """`*.gguf` goes to models/gguf_file.py, `ollama:NAME[:TAG]` to models/ollama.py: each exposes
    load_model(text) -> LoadedModel (building it with model_from_parts). Imported only when asked for."""
    is_ollama = text.startswith("ollama:")
    if not is_ollama and not Path(text).expanduser().is_file():
        raise ExampleError(f"model: {text}: no such GGUF file")
    module_name = f"{__package__}.{'ollama' if is_ollama else 'gguf_file'}"
    try:
        module = importlib.import_module(module_name)
    except ModuleNotFoundError as error:
        if error.name != module_name:
            raise
        raise ExampleError(f"model: {text}: GGUF files and Ollama models are not supported in this version") from None
    return module.load_model(text)


# Built-in models: the packaged checkpoints -------------------------------------------------
def _toy() -> LoadedModel:
    return LoadedModel(spec=TOY_SPEC)


@lru_cache(maxsize=1)
def _minilm() -> LoadedModel:
    from .minilm import minilm_model

    return minilm_model()


@lru_cache(maxsize=1)
def _smollm2() -> LoadedModel:
    from .smollm2 import smollm2_model

    return smollm2_model()


@lru_cache(maxsize=1)
def _gemma3() -> LoadedModel:
    from .gemma3_270m import gemma3_model

    return gemma3_model()


BUILT_INS = {"toy": _toy, "minilm": _minilm, "smollm2": _smollm2, "gemma3": _gemma3}
BUILT_IN_NAMES = tuple(BUILT_INS)


def clear_caches(traces_only: bool = False) -> None:
    """Forget loaded models and traces (benchmarks time cold loads and fresh traces)."""
    _traced.cache_clear()
    if not traces_only:
        for cached in (_minilm, _smollm2, _gemma3, _cached_folder):
            cached.cache_clear()
        gguf_file = sys.modules.get(f"{__package__}.gguf_file")  # loaded GGUF files, if any was read
        if gguf_file is not None:
            gguf_file._loaded.cache_clear()


MODEL_HELP = ("the model: toy (seeded weights, every number redoable), minilm (all-MiniLM-L6-v2), smollm2 "
              "(SmolLM2-135M-Instruct), gemma3 (Gemma 3 270M), a Hugging Face model folder (config.json, *.safetensors, tokenizer.json), "
              "a hub id ORG/NAME already in the local Hugging Face cache, or a .gguf file or ollama:NAME[:TAG]")


def add_model_argument(parser) -> None:
    """--model, the same on every command that takes one."""
    parser.add_argument("--model", default=BUILT_IN_NAMES[0], metavar="MODEL", help=MODEL_HELP)
