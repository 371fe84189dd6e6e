#!/usr/bin/env bash
# schemathesis against a running Awaaz on loopback: every operation of /api/v1/openapi.json,
# all phases (examples, coverage, fuzzing, stateful), signed in with a device token and a
# staff session at once. Fails on any server error or any response that does not match the
# document. Usage: bash scripts/api-fuzz.sh   (after `make test` has built .venv)
set -euo pipefail
cd "$(dirname "$0")/.."
SCHEMATHESIS_VERSION=4.32.5
FUZZ_SECONDS=${AWAAZ_FUZZ_SECONDS:-240}
OUT=test-output/api
mkdir -p "$OUT"

source scripts/demo-server.sh
tool_venv .venv-schemathesis schemathesis "schemathesis==${SCHEMATHESIS_VERSION}"
# Made-up survivor codes would lock the fuzzing device out after twenty (429 from then on),
# and the body validation behind the limit would go untested: the limit is raised for this
# server only (the limit itself is tested in tests/awaaz/test_api.py).
export AWAAZ_WRONG_CODE_LIMITS="100000 per minute"
start_demo_server "$OUT/server.log"
# Real codes, which schemathesis puts into half the ratings it sends (scripts/schemathesis.toml),
# so that generated ratings also reach the stakeholder, service, answer and month checks.
.venv/bin/awaaz issue-codes --count 20 --district "South 24 Parganas" |
  sed 's/.*/"&"/' >"$OUT/survivor-codes.dict"
AWAAZ_API_TOKEN=$(.venv/bin/awaaz device-token issue "schemathesis tablet" | tail -1)
cookie=$(echo "awaaz-demo-2026" | .venv/bin/python scripts/staff_cookie.py "$BASE" "staff@demo.awaaz.org")
export AWAAZ_API_TOKEN AWAAZ_API_SESSION="${cookie#*=}"

# positive_data_acceptance is left out on purpose: a body valid by the schema can still name
# a survivor code that does not exist, which the API must refuse (422), not accept.
.venv-schemathesis/bin/schemathesis --config-file scripts/schemathesis.toml \
  run "$BASE/api/v1/openapi.json" \
  --checks all --exclude-checks positive_data_acceptance \
  --phases examples,coverage,fuzzing,stateful --max-time "$FUZZ_SECONDS" \
  --report junit --report-dir "$OUT" --no-color 2>&1 | tee "$OUT/schemathesis.log"
status=${PIPESTATUS[0]}
rm -f "$OUT/survivor-codes.dict"  # synthetic, but codes are not left lying about
if grep -q "Traceback" "$OUT/server.log"; then
  echo "the server logged an exception during the run (see $OUT/server.log)" >&2
  exit 1
fi
exit "$status"
