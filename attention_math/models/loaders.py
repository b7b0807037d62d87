"""Reading a Hugging Face checkpoint folder without torch and without running its code.

- config.json as a dict; a config that asks for its own code (auto_map / trust_remote_code) is
  refused, since that code would have to run to build the model.
- Weights: *.safetensors (one file or shards listed in model.safetensors.index.json) are a JSON
  header and raw arrays, memory-mapped here; float16/bfloat16/float32 are widened on access.
  pytorch_model.bin is a pickle: it is read by an unpickler that accepts torch's tensor-rebuild
  functions and storage types and nothing else, so a pickle that would call anything else fails
  before anything runs.
- The tokenizer from tokenizer.json (the `tokenizers` library), padding and truncation off.
"""
from __future__ import annotations

import json
import pickle
import struct
import zipfile
from collections.abc import Iterator, Mapping
from pathlib import Path

import numpy as np

from ..example import ExampleError

_SAFETENSORS_DTYPES = {"F32": "<f4", "F16": "<f2", "BF16": "<u2", "F64": "<f8", "I64": "<i8", "I32": "<i4",
                       "U8": "u1", "BOOL": "?"}
_TORCH_STORAGES = {"FloatStorage": "<f4", "HalfStorage": "<f2", "BFloat16Storage": "<u2", "DoubleStorage": "<f8",
                   "LongStorage": "<i8", "IntStorage": "<i4", "ByteStorage": "u1", "BoolStorage": "?"}


def widen(array: np.ndarray, dtype: str) -> np.ndarray:
    """A checkpoint array as float32 (bfloat16 is the top half of a float32's bits)."""
    if dtype in ("BF16", "BFloat16Storage"):
        return (array.astype(np.uint32) << 16).view(np.float32)
    return array


def read_config(folder: Path) -> dict:
    path = folder / "config.json"
    if not path.is_file():
        raise ExampleError(f"model: {folder} has no config.json: not a Hugging Face model folder")
    try:
        config = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as error:
        raise ExampleError(f"model: {path} is not readable JSON ({error})") from None
    if config.get("auto_map") or config.get("trust_remote_code"):
        raise ExampleError(f"model: {path} asks to run the model's own code (auto_map / trust_remote_code); "
                           "such models are refused: no code from a checkpoint is ever run")
    return config


class SafetensorsWeights(Mapping):
    """Every tensor of one or more .safetensors files, mapped from disk; float32 on access."""

    def __init__(self, files: list[Path]):
        self._entries: dict[str, tuple[np.memmap, dict]] = {}
        self._sources: dict[str, Path] = {}
        for path in files:
            try:
                with open(path, "rb") as file:
                    (size,) = struct.unpack("<Q", file.read(8))
                    header = json.loads(file.read(size))
                data = np.memmap(path, dtype=np.uint8, mode="r", offset=8 + size)
            except (OSError, ValueError, struct.error) as error:
                raise ExampleError(f"model: {path.name} is not a readable safetensors file ({error})") from None
            header.pop("__metadata__", None)
            for name, entry in header.items():
                if entry["dtype"] not in _SAFETENSORS_DTYPES:
                    raise ExampleError(f"model: {path.name}: tensor {name} has dtype {entry['dtype']}, not supported")
                self._entries[name] = (data, entry)
                self._sources[name] = path

    def __getitem__(self, name: str) -> np.ndarray:
        data, entry = self._entries[name]
        begin, end = entry["data_offsets"]
        raw = data[begin:end].view(np.dtype(_SAFETENSORS_DTYPES[entry["dtype"]])).reshape(entry["shape"])
        if entry["dtype"] in ("BF16", "F16") and raw.nbytes >= _WIDEN_ON_DISK_BYTES:
            return _widened_on_disk(self._sources[name], name, raw, entry["dtype"])
        return widen(raw, entry["dtype"])

    def shape_of(self, name: str) -> tuple[int, ...]:
        return tuple(self._entries[name][1]["shape"])

    def rows(self, name: str, ids) -> np.ndarray:
        """Some rows of a (vocab, d) matrix, widened alone: an embedding lookup never widens the whole table."""
        data, entry = self._entries[name]
        begin, end = entry["data_offsets"]
        raw = data[begin:end].view(np.dtype(_SAFETENSORS_DTYPES[entry["dtype"]])).reshape(entry["shape"])
        return widen(np.asarray(raw[ids]), entry["dtype"])

    def __iter__(self) -> Iterator[str]:
        return iter(self._entries)

    def __len__(self) -> int:
        return len(self._entries)

    def dtype_name(self) -> str:
        names = {entry["dtype"] for _, entry in self._entries.values() if entry["dtype"] in ("F32", "F16", "BF16")}
        return {"F32": "float32", "F16": "float16", "BF16": "bfloat16"}.get(min(names, default="F32"), "float32")

    def n_bytes(self) -> int:
        return sum(entry["data_offsets"][1] - entry["data_offsets"][0] for _, entry in self._entries.values())


# A half-precision matrix this large is widened to float32 once, into a file beside the SmolLM2 cache,
# and mapped from there: a trace then holds file pages (which the system can drop), not 4 bytes of
# fresh memory per weight, and the next run skips the conversion.
_WIDEN_ON_DISK_BYTES = 8 << 20
_WIDEN_CHUNK = 1 << 22  # elements widened at a time (16 MB of float32)


def widened_cache_folder(source: Path) -> Path:
    """Where a half-precision file's widened tensors are kept (keyed by its path, size and time)."""
    import hashlib

    from .gguf_weights import cache_root

    stat = source.stat()
    key = hashlib.sha256(f"{source.resolve()}|{stat.st_size}|{stat.st_mtime_ns}".encode()).hexdigest()[:16]
    return cache_root() / "widened" / key


def _widened_on_disk(source: Path, name: str, raw: np.ndarray, dtype: str) -> np.ndarray:
    import os
    import tempfile

    path = widened_cache_folder(source) / f"{name}.npy"
    if not path.is_file():
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            handle, temporary = tempfile.mkstemp(dir=path.parent, suffix=".partial")
            os.close(handle)
            out = np.lib.format.open_memmap(temporary, mode="w+", dtype=np.float32, shape=raw.shape)
            source, target = raw.reshape(-1), out.reshape(-1)
            for start in range(0, source.size, _WIDEN_CHUNK):  # in slices: no full-size temporary in memory
                target[start:start + _WIDEN_CHUNK] = widen(source[start:start + _WIDEN_CHUNK], dtype)
            out.flush()
            del out, target
            os.replace(temporary, path)
        except OSError:  # no room or no rights: widen in memory instead
            return widen(raw, dtype)
    return np.load(path, mmap_mode="r")


class _TensorsOnlyUnpickler(pickle.Unpickler):
    """torch.save's pickle, with only the names a plain state dict needs; anything else is refused."""

    def __init__(self, file, archive: zipfile.ZipFile, prefix: str):
        super().__init__(file)
        self._archive, self._prefix = archive, prefix

    def find_class(self, module: str, name: str):
        if module == "torch._utils" and name == "_rebuild_tensor_v2":
            return _rebuild_tensor
        if module == "torch" and name in _TORCH_STORAGES:
            return name
        if module == "collections" and name == "OrderedDict":
            import collections
            return collections.OrderedDict
        raise pickle.UnpicklingError(f"{module}.{name} is not a tensor")

    def persistent_load(self, saved_id):
        kind, storage_type, key, _location, _size = saved_id
        if kind != "storage" or storage_type not in _TORCH_STORAGES:
            raise pickle.UnpicklingError(f"storage {storage_type!r} is not a tensor storage")
        raw = self._archive.read(f"{self._prefix}/data/{key}")
        return storage_type, np.frombuffer(raw, dtype=np.dtype(_TORCH_STORAGES[storage_type]))


def _rebuild_tensor(storage, offset, size, stride, *_ignored) -> np.ndarray:
    storage_type, flat = storage
    array = np.lib.stride_tricks.as_strided(flat[offset:], shape=tuple(size),
                                            strides=tuple(s * flat.itemsize for s in stride)) if size else flat[offset:offset + 1].reshape(())
    return widen(np.array(array), storage_type)


def read_torch_bin(path: Path) -> dict[str, np.ndarray]:
    """A pytorch_model.bin state dict as arrays, without torch and without running its pickle's code."""
    try:
        archive = zipfile.ZipFile(path)
        pickle_name = next(name for name in archive.namelist() if name.endswith("/data.pkl"))
        with archive.open(pickle_name) as file:
            state = _TensorsOnlyUnpickler(file, archive, pickle_name.rsplit("/", 1)[0]).load()
    except (zipfile.BadZipFile, StopIteration):
        raise ExampleError(f"model: {path.name} is not a torch zip checkpoint; convert it to safetensors "
                           "(safetensors.torch.save_file) and try again") from None
    except pickle.UnpicklingError as error:
        raise ExampleError(f"model: {path.name} holds more than tensors ({error}); refused: a pickle can run code. "
                           "Convert it to safetensors from a source you trust") from None
    if not isinstance(state, Mapping) or not all(isinstance(v, np.ndarray) for v in state.values()):
        raise ExampleError(f"model: {path.name} is not a plain state dict of tensors")
    return dict(state)


class ArrayWeights(dict):
    """Tensors already in memory (a .bin state dict, or a model object's state dict)."""

    def __init__(self, arrays: Mapping[str, np.ndarray], dtype: str = "float32"):
        super().__init__(arrays)
        self.dtype = dtype

    def dtype_name(self) -> str:
        return self.dtype

    def n_bytes(self) -> int:
        return sum(array.nbytes for array in self.values())


def take_rows(weights, name: str, ids) -> np.ndarray:
    """weights[name][ids] as float64, reading only those rows where the source can."""
    ids = ids if isinstance(ids, slice) else list(ids)
    rows = weights.rows(name, ids) if hasattr(weights, "rows") else np.asarray(weights[name])[ids]
    return np.array(rows, dtype=np.float64)


def weights_in(folder: Path):
    """The folder's weights, safetensors preferred (sharded or not), else pytorch_model.bin."""
    index = folder / "model.safetensors.index.json"
    if index.is_file():
        shards = sorted(set(json.loads(index.read_text(encoding="utf-8"))["weight_map"].values()))
        return SafetensorsWeights([folder / shard for shard in shards])
    files = sorted(folder.glob("*.safetensors"))
    if files:
        return SafetensorsWeights(files)
    bins = sorted(folder.glob("pytorch_model*.bin"))
    if bins:
        arrays: dict[str, np.ndarray] = {}
        for path in bins:
            arrays.update(read_torch_bin(path))
        dtypes = {array.dtype for array in arrays.values()}
        return ArrayWeights(arrays, "float16" if np.dtype("<f2") in dtypes else "float32")
    raise ExampleError(f"model: {folder} has no weights (*.safetensors or pytorch_model.bin)")


def load_tokenizer(folder: Path):
    from tokenizers import Tokenizer

    path = folder / "tokenizer.json"
    if not path.is_file():
        raise ExampleError(f"model: {folder} has no tokenizer.json: save the tokenizer beside the weights "
                           "(tokenizer.save_pretrained(folder))")
    tokenizer = Tokenizer.from_file(str(path))
    tokenizer.no_padding()
    tokenizer.no_truncation()
    return tokenizer
