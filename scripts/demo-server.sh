# Sourced by the scanners (security-scan.sh, api-fuzz.sh): a tool's own virtualenv, and a
# demo Awaaz on a free loopback port that is stopped, with its folder, when the script ends.

# tool_venv DIR EXECUTABLE PACKAGE: the tool pins its own dependencies, so it lives apart.
tool_venv() {
  if [ ! -x "$1/bin/$2" ]; then
    python3 -m venv "$1"
    "$1/bin/pip" install --quiet --upgrade pip
    "$1/bin/pip" install --quiet "$3"
  fi
}

# start_demo_server LOGFILE: sets BASE; 2,000 demo ratings, the demo accounts, insecure cookies
# (plain http on loopback only).
start_demo_server() {
  INSTANCE=$(mktemp -d)
  local port
  port=$(.venv/bin/python -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
  BASE="http://127.0.0.1:${port}"
  export AWAAZ_INSTANCE_PATH="$INSTANCE" AWAAZ_INSECURE_COOKIES=1
  .venv/bin/awaaz init-db >/dev/null
  # No machine voice: hundreds of clip addresses would spend the scanners' bounded time on
  # identical MP3s (the clip routes have their own tests: tests/feedback/test_voice.py).
  .venv/bin/awaaz seed-demo --ratings 2000 --no-voice >/dev/null
  .venv/bin/awaaz serve --port "$port" >"$1" 2>&1 &
  SERVER=$!
  trap 'kill $SERVER 2>/dev/null; rm -rf "$INSTANCE"' EXIT
  for _ in $(seq 60); do curl -fs "$BASE/healthz" >/dev/null && break; sleep 1; done
}
