#!/usr/bin/env bash
# The system tools the project's own commands use: python3-venv (make's virtualenv), curl
# (the scanners wait for the demo server with it), postgresql-client (pg_dump and
# pg_restore, for `awaaz backup` and `awaaz restore` on PostgreSQL) and espeak-ng (the machine
# voice of the spoken prompts, in Bengali and Hindi: awaaz/console/audio.py). Debian packages.
set -euo pipefail
packages=(python3-venv curl postgresql-client espeak-ng)
bash "$(dirname "$0")/apt-install.sh" "${packages[@]}"
