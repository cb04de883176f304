#!/bin/sh
# `npm run setup:system`: the system packages `npm test` needs besides node_modules — Debian's PyTorch,
# ONNX, OpenCV and scikit-image for the training tests, Chromium for the browser tests. Installs them with
# apt (through sudo when not root); elsewhere it says what to install and exits 1. The app and the
# `kintsugi` command need none of them.
set -eu
PACKAGES="python3-torch python3-onnx python3-opencv python3-skimage chromium"

if ! command -v apt-get >/dev/null 2>&1; then
  echo "setup:system: no apt-get here. Install by hand: Python 3 with torch, onnx, opencv-python and scikit-image" >&2
  echo "as /usr/bin/python3, and Chromium as /usr/bin/chromium (what npm test looks for)." >&2
  exit 1
fi

if [ "$(id -u)" = 0 ]; then
  SUDO=""
elif command -v sudo >/dev/null 2>&1; then
  SUDO="sudo"
else
  echo "setup:system: not root and no sudo: as root run  apt-get install -y $PACKAGES" >&2
  exit 1
fi

echo "setup:system: installing $PACKAGES with apt-get (a few hundred MB the first time)"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -q
# shellcheck disable=SC2086 # the list is meant to split into words
$SUDO apt-get install -y -q --no-install-recommends $PACKAGES
