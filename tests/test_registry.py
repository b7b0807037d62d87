"""The model registry: what a user may hand us, and one clear line for everything it can't use."""
from __future__ import annotations

import json
import pickle
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import numpy as np
import pytest

from attention_math import ExampleError
from attention_math.models import registry
from attention_math.models.loaders import read_torch_bin
from attention_math.models.registry import resolve
from tests.family_models import tiny_folder

ROOT = Path(__file__).resolve().parents[1]
torch = pytest.importorskip("torch")


@pytest.fixture(scope="module")
def bert_folder(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("bert")
    tiny_folder("bert", folder)
    return folder


def _copy(folder: Path, tmp_path: Path) -> Path:
    target = tmp_path / "model"
    shutil.copytree(folder, target)
    return target


def _trace_cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "attention_math", "trace", *args], cwd=ROOT, capture_output=True,
                          text=True, timeout=120)


def _one_line(result: subprocess.CompletedProcess, expected: str) -> None:
    assert result.returncode == 2 and result.stdout == ""
    assert result.stderr.startswith("error: ") and result.stderr.count("\n") == 1, result.stderr
    assert expected in result.stderr


def test_folder_without_config(bert_folder, tmp_path):
    folder = _copy(bert_folder, tmp_path)
    (folder / "config.json").unlink()
    _one_line(_trace_cli("--model", str(folder), "the cat"), "has no config.json")


def test_unsupported_architecture_named(bert_folder, tmp_path):
    folder = _copy(bert_folder, tmp_path)
    config = json.loads((folder / "config.json").read_text())
    config.update(model_type="mamba", architectures=["MambaForCausalLM"])
    (folder / "config.json").write_text(json.dumps(config))
    with pytest.raises(ExampleError, match="'MambaForCausalLM'.*supported model types: bert, roberta"):
        registry.load_folder(folder)


def test_weights_that_do_not_match_the_config(bert_folder, tmp_path):
    folder = _copy(bert_folder, tmp_path)
    config = json.loads((folder / "config.json").read_text())
    config["num_attention_heads"] = 5  # 48 is not 5 heads
    (folder / "config.json").write_text(json.dumps(config))
    _one_line(_trace_cli("--model", str(folder), "the cat"), "don't match config.json")
    config.update(num_attention_heads=3, num_hidden_layers=4)  # the file has 2 layers
    (folder / "config.json").write_text(json.dumps(config))
    _one_line(_trace_cli("--model", str(folder), "the cat"), "config.json says 4 layers but the weights hold 2")


def test_missing_tokenizer(bert_folder, tmp_path):
    folder = _copy(bert_folder, tmp_path)
    (folder / "tokenizer.json").unlink()
    _one_line(_trace_cli("--model", str(folder), "the cat"), "has no tokenizer.json")


def test_remote_code_refused(bert_folder, tmp_path):
    folder = _copy(bert_folder, tmp_path)
    config = json.loads((folder / "config.json").read_text())
    config["auto_map"] = {"AutoModel": "modeling_evil.EvilModel"}
    (folder / "config.json").write_text(json.dumps(config))
    with pytest.raises(ExampleError, match="no code from a checkpoint is ever run"):
        registry.load_folder(folder)


def test_hub_id_only_from_the_local_cache(bert_folder, tmp_path, monkeypatch):
    monkeypatch.setenv("HF_HOME", str(tmp_path / "hf"))
    with pytest.raises(ExampleError, match="acme/tiny-bert is not on this machine.*nothing is downloaded"):
        resolve("acme/tiny-bert")
    snapshot = tmp_path / "hf" / "hub" / "models--acme--tiny-bert" / "snapshots" / "abc123"
    shutil.copytree(bert_folder, snapshot)
    (snapshot.parents[1] / "refs").mkdir()
    (snapshot.parents[1] / "refs" / "main").write_text("abc123")
    assert resolve("acme/tiny-bert").spec.source == str(snapshot)


def test_sentence_longer_than_the_positions(bert_folder):
    model = resolve(str(bert_folder))
    with pytest.raises(ExampleError, match="takes at most 64"):
        model.tokenize("the cat " * 40)


def test_layer_and_head_out_of_range_for_that_model(bert_folder, tmp_path):
    for flag, value, expected in (("--layer", "3", "LAYER must be 1–2 for"), ("--head", "4", "HEAD must be 1–3 for")):
        result = subprocess.run([sys.executable, "-m", "scenes", "stills", "--model", str(bert_folder), "--sentence",
                                 "the cat sat", flag, value, "--media-dir", str(tmp_path)], cwd=ROOT,
                                capture_output=True, text=True, timeout=120)
        _one_line(result, expected)


def test_too_big_for_memory_said_before_loading(bert_folder, monkeypatch):
    monkeypatch.setattr(registry, "_available_memory", lambda: 1000)
    with pytest.raises(ExampleError, match="GB would be needed and 0.0 GB is available"):
        registry.load_folder(bert_folder)


def test_pytorch_bin_is_read_without_running_code(bert_folder, tmp_path):
    """A real torch.save state dict loads; a pickle that would run a command is refused and the command never runs."""
    from safetensors.numpy import load_file

    state = load_file(bert_folder / "model.safetensors")
    folder = _copy(bert_folder, tmp_path)
    (folder / "model.safetensors").unlink()
    torch.save({name: torch.from_numpy(array) for name, array in state.items()}, folder / "pytorch_model.bin")
    read = read_torch_bin(folder / "pytorch_model.bin")
    assert all(np.array_equal(read[name], state[name]) for name in state)
    assert resolve(str(folder)).trace("the cat sat").layers[1].hidden.shape == (5, 48)

    marker = tmp_path / "pwned"

    class Evil:
        def __reduce__(self):
            return (subprocess.call, (["touch", str(marker)],))

    evil = tmp_path / "evil"
    evil.mkdir()
    shutil.copy(bert_folder / "config.json", evil)
    shutil.copy(bert_folder / "tokenizer.json", evil)
    with zipfile.ZipFile(evil / "pytorch_model.bin", "w") as archive:
        archive.writestr("archive/data.pkl", pickle.dumps({"weight": Evil()}, protocol=2))
    _one_line(_trace_cli("--model", str(evil), "the cat"), "refused: a pickle can run code")
    assert not marker.exists()


def test_trace_json_says_where_it_came_from(bert_folder):
    result = _trace_cli("--model", str(bert_folder), "the cat sat")
    data = json.loads(result.stdout)
    assert data["family"] == "bert" and data["dtype"] == "float32" and data["file"] == str(bert_folder)
    assert data["tokens"] == ["[CLS]", "the", "cat", "sat", "[SEP]"]
    weights = np.array(data["layers"][1]["attention"]["heads"][2]["weights"])
    assert np.allclose(weights.sum(axis=1), 1.0)


def test_no_model_name_compared_outside_the_registry():
    pattern = r"[\"'](minilm|smollm2|toy)[\"']"
    result = subprocess.run(["grep", "-rnE", pattern, "--include=*.py", "attention_math", "scenes", "explorer"],
                            cwd=ROOT, capture_output=True, text=True)
    offenders = [line for line in result.stdout.splitlines() if not line.startswith("attention_math/models/")]
    assert offenders == []
