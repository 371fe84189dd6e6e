#!/usr/bin/env bash
# wapiti against a running Awaaz on loopback, signed in as staff and then as admin.
# Only modules that need no internet. Fails on any finding not explained in docs/security.md.
# Usage: bash scripts/security-scan.sh   (after `make test` has built .venv)
set -euo pipefail
cd "$(dirname "$0")/.."
WAPITI_VERSION=3.2.3
SCAN_SECONDS=${AWAAZ_SCAN_SECONDS:-420}
MODULES=cookieflags,csp,http_headers,xss,sql,exec,file,redirect,permanentxss
OUT=test-output/security
mkdir -p "$OUT"

# wapiti has its own dependency pins: it gets a virtualenv of its own.
if [ ! -x .venv-wapiti/bin/wapiti ]; then
  python3 -m venv .venv-wapiti
  .venv-wapiti/bin/pip install --quiet --upgrade pip
  .venv-wapiti/bin/pip install --quiet "wapiti3==${WAPITI_VERSION}"
fi

INSTANCE=$(mktemp -d)
PORT=$(.venv/bin/python -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
BASE="http://127.0.0.1:${PORT}"
export AWAAZ_INSTANCE_PATH="$INSTANCE" AWAAZ_INSECURE_COOKIES=1
.venv/bin/awaaz init-db >/dev/null
.venv/bin/awaaz seed-demo --ratings 2000 >/dev/null
.venv/bin/awaaz serve --port "$PORT" >"$OUT/server.log" 2>&1 &
SERVER=$!
trap 'kill $SERVER 2>/dev/null; rm -rf "$INSTANCE"' EXIT
for _ in $(seq 60); do curl -fs "$BASE/healthz" >/dev/null && break; sleep 1; done

for who in staff admin; do
  cookie=$(echo "awaaz-demo-2026" | .venv/bin/python scripts/staff_cookie.py "$BASE" "${who}@demo.awaaz.org")
  echo "wapiti as ${who} (at most ${SCAN_SECONDS} s)"
  # Sign-out and the kiosk switch would end the scanner's own session; quick exit leaves.
  .venv-wapiti/bin/wapiti -u "$BASE/" -s "$BASE/staff/" -s "$BASE/mis/" --scope folder \
    -m "$MODULES" -A awaaz-security-scan -H "Cookie: ${cookie}" \
    -x "$BASE/staff/logout" -x "$BASE/staff/kiosk" -x "$BASE/exit" \
    --max-scan-time "$SCAN_SECONDS" --max-attack-time 90 --flush-session \
    -f json -o "$OUT/wapiti-${who}.json" --no-bugreport -v 0 >"$OUT/wapiti-${who}.log" 2>&1
done
.venv/bin/python scripts/wapiti_check.py docs/security.md "$OUT"/wapiti-*.json
