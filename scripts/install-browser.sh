#!/usr/bin/env bash
# Debian's Chromium, the Bengali and Devanagari fonts the browser tests and PDF reports
# need, poppler-utils (pdffonts, pdftoppm) with which the PDF tests inspect and render
# the reports, and nginx, the TLS proxy of tests/awaaz/test_behind_proxy.py. Playwright
# drives this Chromium; it never downloads a browser of its own.
set -euo pipefail
# npm fetches axe-core, the accessibility checker the browser tests inject.
packages=(chromium fonts-noto-core fonts-lohit-beng-bengali fonts-lohit-deva poppler-utils nginx)
command -v npm >/dev/null || packages+=(npm)
bash "$(dirname "$0")/apt-install.sh" "${packages[@]}"
