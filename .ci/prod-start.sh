#!/usr/bin/env bash
# The production start, as an operator would run it: build, copy what ships into a fresh folder,
# install with `npm ci --omit=dev` (no tsx, no TypeScript), start `npm run start:prod` with plain
# node, wait for /readyz, run the CLI from dist, then SIGTERM and expect a clean exit.
set -euo pipefail
cd "$(dirname "$0")/.."
PORT="${PROD_CHECK_PORT:-18690}"

npm run build
work="$(mktemp -d)"
trap 'kill "${pid:-0}" 2>/dev/null || true; rm -rf "$work"' EXIT
cp -r package.json package-lock.json dist "$work/"
cd "$work"
# Only the npm registry is reachable here: better-sqlite3 compiles instead of trying (and timing
# out on) a prebuilt binary download.
npm_config_build_from_source=true npm ci --omit=dev --no-audit --no-fund --loglevel=error
for dev in tsx typescript vitest; do
  if [ -e "node_modules/$dev" ]; then echo "devDependency $dev was installed" >&2; exit 1; fi
done

if curl -fsS "http://127.0.0.1:$PORT/healthz" >/dev/null 2>&1; then
  echo "production start: port $PORT is already in use" >&2
  exit 1
fi
DATA_DIR="$work/data" PORT="$PORT" HOST=127.0.0.1 LOG_LEVEL=warn npm run --silent start:prod >"$work/server.log" 2>&1 &
pid=$!
ready=""
for _ in $(seq 1 150); do
  if curl -fsS "http://127.0.0.1:$PORT/readyz" >/dev/null 2>&1; then ready=yes; break; fi
  if ! kill -0 "$pid" 2>/dev/null; then break; fi
  sleep 0.2
done
if [ -z "$ready" ]; then cat "$work/server.log" >&2; echo "production start: not ready" >&2; exit 1; fi
curl -fsS "http://127.0.0.1:$PORT/public/v1/openapi.json" | node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>{const d=JSON.parse(s); if(d.openapi!=="3.1.0") process.exit(1)})'
DATA_DIR="$work/data" node dist/cli/main.js --json list-users --account "$(grep -o 'ACC-[0-9]\{4\}-[0-9]\{4\}' "$work/server.log" | head -n 1)" >/dev/null

# npm forwards SIGTERM to the script, which `exec`s node: the service itself gets it.
kill -TERM "$pid"
code=0
wait "$pid" || code=$?
if [ "$code" -ne 0 ]; then cat "$work/server.log" >&2; echo "production start: exit code $code after SIGTERM" >&2; exit 1; fi
echo "production start: ready from an --omit=dev install, CLI ran, clean SIGTERM exit"
