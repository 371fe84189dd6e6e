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
mkdir -p "$OUT" "$OUT"/session-{staff,admin} "$OUT"/config-{staff,admin}

source scripts/demo-server.sh
tool_venv .venv-wapiti wapiti "wapiti3==${WAPITI_VERSION}"
start_demo_server "$OUT/server.log"

# The two scans run side by side (two cores), each bounded by SCAN_SECONDS of wall time.
# Each keeps its session and configuration databases in a folder of its own: by default both
# use one file named after the URL and scope, and a CI run failed on the two racing to create
# it ("disk I/O error").
pids=()
for who in staff admin; do
  cookie=$(echo "awaaz-demo-2026" | .venv/bin/python scripts/staff_cookie.py "$BASE" "${who}@demo.awaaz.org")
  echo "wapiti as ${who} (at most ${SCAN_SECONDS} s)"
  # Sign-out and the kiosk switch would end the scanner's own session; quick exit leaves.
  .venv-wapiti/bin/wapiti -u "$BASE/" -s "$BASE/staff/" -s "$BASE/mis/" --scope folder \
    -m "$MODULES" -A awaaz-security-scan -H "Cookie: ${cookie}" \
    -x "$BASE/staff/logout" -x "$BASE/staff/kiosk" -x "$BASE/exit" \
    --max-scan-time "$SCAN_SECONDS" --max-attack-time 90 --flush-session \
    --store-session "$OUT/session-${who}" --store-config "$OUT/config-${who}" \
    -f json -o "$OUT/wapiti-${who}.json" --no-bugreport -v 0 >"$OUT/wapiti-${who}.log" 2>&1 &
  pids+=($!)
done
for pid in "${pids[@]}"; do wait "$pid"; done
# A finding wapiti cannot see: the server failing on what it was sent.
if grep -q "Traceback" "$OUT/server.log"; then
  echo "the server logged an exception during the scan (see $OUT/server.log)" >&2
  grep -B2 -A30 -m3 "Traceback" "$OUT/server.log" | tail -60 >&2
  exit 1
fi
.venv/bin/python scripts/wapiti_check.py docs/security.md "$OUT"/wapiti-*.json
