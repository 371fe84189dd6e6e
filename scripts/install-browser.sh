#!/usr/bin/env bash
# Debian's Chromium, the Bengali and Devanagari fonts the browser tests and PDF reports
# need, poppler-utils (pdffonts, pdftoppm) with which the PDF tests inspect and render
# the reports, and nginx, the TLS proxy of tests/awaaz/test_behind_proxy.py. Playwright
# drives this Chromium; it never downloads a browser of its own.
set -euo pipefail
# npm fetches axe-core, the accessibility checker the browser tests inject.
packages=(chromium fonts-noto-core fonts-lohit-beng-bengali fonts-lohit-deva poppler-utils nginx)
command -v npm >/dev/null || packages+=(npm)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0
if [ "$(id -u)" -ne 0 ]; then
  echo "Please install: sudo apt-get install -y ${missing[*]}" >&2
  exit 1
fi
apt-get update -qq
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
