"""The console command (issue 22): a built wheel installed into a fresh environment outside the
repository gives `attention-explainer`, which works from an empty folder; `--help` pages; doctor."""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
import sysconfig
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SOURCES = ("attention_math", "scenes", "explorer", "attention_explainer", "examples", "pyproject.toml", "README.md")


def _copy_sources(target: Path) -> None:
    """What a checkout holds (no media/, caches or build leftovers), so the build never writes into the repo."""
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc", "media", ".manim*")
    for name in SOURCES:
        source = ROOT / name
        if source.is_dir():
            shutil.copytree(source, target / name, symlinks=True, ignore=ignore)
        else:
            shutil.copy2(source, target / name)


@pytest.fixture(scope="module")
def installed(tmp_path_factory):
    """A wheel built from a copy of the sources, installed with --no-deps into a new venv whose other
    packages come from this one's site-packages (no network; the package itself only from the wheel)."""
    pytest.importorskip("build")
    work = tmp_path_factory.mktemp("wheel")
    _copy_sources(work / "src")
    subprocess.run([sys.executable, "-m", "build", "--wheel", "--no-isolation", "--outdir", str(work / "dist"),
                    str(work / "src")], check=True, capture_output=True, timeout=120)
    wheel = next((work / "dist").glob("attention_explainer-*.whl"))
    venv = work / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True, timeout=60)
    site = next((venv / "lib").glob("python3*/site-packages"))
    # The shared packages, appended after the venv's own: their .pth files (this repository's editable
    # install among them) are not run, so `attention_explainer` can only come from the wheel.
    (site / "shared-dependencies.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    subprocess.run([sys.executable, "-m", "pip", "--python", str(venv / "bin" / "python"), "install", "--no-deps",
                    "--no-index", "--quiet", str(wheel)], check=True, capture_output=True, timeout=120)
    return venv


def _run(venv: Path, cwd: Path, *args: str, timeout: int = 120) -> subprocess.CompletedProcess:
    env = {key: value for key, value in os.environ.items() if key not in ("PYTHONPATH", "VIRTUAL_ENV")}
    env["PATH"] = f"{venv / 'bin'}:{env.get('PATH', '')}"
    return subprocess.run(["attention-explainer", *args], cwd=cwd, env=env, capture_output=True, text=True,
                          timeout=timeout)


def test_the_wheel_gives_a_command_that_works_from_an_empty_folder(installed, tmp_path):
    empty = tmp_path / "anywhere"
    empty.mkdir()
    where = subprocess.run([str(installed / "bin" / "python"), "-c", "import scenes, attention_explainer; "
                            "print(scenes.__file__); print(attention_explainer.__file__)"], cwd=empty,
                           capture_output=True, text=True, check=True).stdout.split()
    assert all(path.startswith(str(installed)) for path in where), where  # not the repository's copy
    traced = _run(installed, empty, "trace", "money bank grows", "--heads", "1")
    assert traced.returncode == 0, traced.stderr
    from tests.cli_run import run_cli

    assert traced.stdout == run_cli(["trace", "money bank grows", "--heads", "1"])[1]
    bad = _run(installed, empty, "trace", "   ")
    assert bad.returncode == 2 and bad.stderr == "error: sentence: must not be empty\n"
    stills = _run(installed, empty, "stills", "--quality", "low", "--scenes", "softmax")  # the packaged example
    assert stills.returncode == 0, stills.stderr
    folder = empty / "media" / "the-cat-sat"
    assert sorted(p.name for p in (folder / "stills").glob("*.png"))[:1] == ["11-softmax-01-scores.png"]
    assert (folder / "slides.pptx").is_file() and (folder / "storyboard.png").is_file()
    assert sorted(p.name for p in empty.iterdir()) == ["media"]  # nothing written anywhere else


def test_every_subcommand_has_a_manual_page(capsys):
    from attention_explainer.cli import main
    from attention_explainer.manual import PAGES

    for command in PAGES:
        assert main([command, "--help"]) == 0
        page = capsys.readouterr().out
        for section in ("NAME", "SYNOPSIS", "DESCRIPTION", "OPTIONS", "EXAMPLES"):
            assert f"\n{section}\n" in f"\n{page}", (command, section)
        assert f"$ attention-explainer {command}" in page and "--help" in page
    assert main(["nonsense"]) == 2
    assert capsys.readouterr().err.startswith("error: no command 'nonsense'")


def test_doctor_prints_the_line_that_fixes_what_is_missing(tmp_path):
    tools = tmp_path / "bin"
    tools.mkdir()
    (tools / "fc-list").symlink_to(shutil.which("fc-list"))  # fonts found; latex, dvisvgm, soffice not
    env = {**os.environ, "PATH": str(tools)}
    result = subprocess.run([sys.executable, "-m", "attention_explainer", "doctor"], cwd=ROOT, env=env,
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 1
    lines = result.stdout.splitlines()
    tex = lines.index("MISSING TeX (MathTex): no `latex` on PATH")
    assert lines[tex + 1].strip().startswith("fix: apt-get install -y --no-install-recommends texlive-latex-base")
    assert any(line.startswith("absent  LibreOffice") for line in lines)  # optional: reported, exit code unchanged by it
    assert any(line.startswith("ok      font for Latin") for line in lines)
    whole = subprocess.run([sys.executable, "-m", "attention_explainer", "doctor"], cwd=ROOT, capture_output=True,
                           text=True, timeout=60)
    assert whole.returncode == 0 and "MISSING" not in whole.stdout, whole.stdout
