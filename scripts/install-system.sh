#!/usr/bin/env bash
# The system tools the project's own commands use: python3-venv (make's virtualenv), curl
# (the scanners wait for the demo server with it) and postgresql-client (pg_dump and
# pg_restore, for `awaaz backup` and `awaaz restore` on PostgreSQL). Debian packages.
set -euo pipefail
packages=(python3-venv curl postgresql-client)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0
if [ "$(id -u)" -ne 0 ]; then
  echo "Please install: sudo apt-get install -y ${missing[*]}" >&2
  exit 1
fi
echo "Installing ${missing[*]} (Debian packages) …"
apt-get update -qq
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
