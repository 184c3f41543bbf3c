#!/usr/bin/env bash
# A new user's first command: `npm start`, wait for its ready line, check it serves the app and the outputs it
# wrote, then Ctrl-C. CI runs this before `npm test` so the two commands are proven in that order in one
# checkout (npm test must pass with the amplify_outputs.json that npm start leaves behind).
set -euo pipefail
cd "$(dirname "$0")/.."

port="${SMOKE_PORT:-20002}"
log="$(mktemp)"
# Job control: the server gets its own process group, and SIGINT to that group is Ctrl-C in a terminal
# (without it, bash starts background commands with SIGINT ignored).
set -m
npm start -- --port "$port" >"$log" 2>&1 &
pid=$!
trap 'kill -INT -- "-$pid" 2>/dev/null || true' EXIT

# Up to 5 minutes: the first start builds the poll app on a loaded machine.
for _ in $(seq 600); do
  grep -q '\] ready' "$log" && break
  kill -0 "$pid" 2>/dev/null || { cat "$log"; echo "npm start exited before it was ready" >&2; exit 1; }
  sleep 0.5
done
grep -q '\] ready' "$log" || { cat "$log"; echo "npm start was not ready in 5 minutes" >&2; exit 1; }

# Node's fetch, so a machine without curl runs this too.
node -e '
const base = `http://localhost:${process.argv[1]}`;
const check = async (path, needle) => {
  const response = await fetch(base + path);
  const body = await response.text();
  if (!response.ok || !body.includes(needle)) throw new Error(`${path} answered ${response.status} without ${needle}`);
};
await check("/app/", "<main");
await check("/amplify_outputs.json", "\"url\"");
await check("/explorer", "explorer-root");
' "$port"
test -s amplify_outputs.json || { echo "npm start wrote no amplify_outputs.json" >&2; exit 1; }

# Ctrl-C, as a user stops it. npm itself reports the interrupt (130); the endpoint must say it stopped.
trap - EXIT
kill -INT -- "-$pid"
status=0
wait "$pid" || status=$?
if [ "$status" -ne 0 ] && [ "$status" -ne 130 ]; then cat "$log"; echo "npm start exited with $status" >&2; exit 1; fi
grep -q '\] stopped' "$log" || { cat "$log"; echo "npm start did not stop cleanly on Ctrl-C" >&2; exit 1; }
echo "npm start: ready, served /app/ and /amplify_outputs.json, stopped on Ctrl-C ($(grep -o 'started in [0-9.]* s' "$log"))"
rm -f "$log"
