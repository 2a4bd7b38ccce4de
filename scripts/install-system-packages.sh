#!/usr/bin/env bash
# Install the Debian/Ubuntu packages Kindred's window and tests need, when missing.
#   usage: scripts/install-system-packages.sh run|test|venv
# "run" installs the libraries the Qt WebEngine window needs; "test" adds Xvfb,
# ImageMagick (screenshots) and Chromium (browser tests). Skips quietly when
# everything is present; explains and continues when apt-get is not available.
set -euo pipefail

RUNTIME_PACKAGES=(
  libgl1 libegl1 libgl1-mesa-dri libgbm1 libnss3 libnspr4 libasound2 libfontconfig1
  fonts-dejavu-core libdbus-1-3 libxkbcommon0 libxkbcommon-x11-0 libxkbfile1 libx11-xcb1
  libxcb-cursor0 libxcb-icccm4 libxcb-keysyms1 libxcb-image0 libxcb-render-util0
  libxcb-xinerama0 libxcb-xkb1 libxcb-shape0 libxcb-randr0 libxcb-glx0 libxcb-dri3-0
  libxcomposite1 libxdamage1 libxrandr2 libxtst6 libxshmfence1 libxkbfile1
)
TEST_PACKAGES=(xvfb xauth imagemagick chromium x11-utils binutils)  # binutils: PyInstaller reads ELF files with objdump

mode="${1:-run}"
case "$mode" in
  run) packages=("${RUNTIME_PACKAGES[@]}") ;;
  test) packages=("${RUNTIME_PACKAGES[@]}" "${TEST_PACKAGES[@]}") ;;
  venv) packages=(python3-venv) ;;  # Debian's python3 lacks venv/ensurepip without it
  *) echo "usage: $0 run|test|venv" >&2; exit 2 ;;
esac

missing=()
for package in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$package")
  fi
done

if [[ ${#missing[@]} -eq 0 ]]; then
  exit 0
fi

if ! command -v apt-get >/dev/null 2>&1; then
  echo "kindred: apt-get not found; please install these packages yourself: ${missing[*]}" >&2
  exit 0
fi

SUDO=""
if [[ "$(id -u)" -ne 0 ]]; then
  if command -v sudo >/dev/null 2>&1; then
    SUDO="sudo"
  else
    echo "kindred: not root and no sudo; please install: ${missing[*]}" >&2
    exit 0
  fi
fi

echo "kindred: installing system packages: ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
