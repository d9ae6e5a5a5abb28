#!/usr/bin/env bash
# A three-node AgentRouter cluster on loopback: redis-server, one router node running the OpenAI-compatible
# HTTP server (http://127.0.0.1:$AGENTROUTER_HTTP_PORT, default 8080), two models nodes with different agents
# (deploy/agents/models-a, deploy/agents/models-b).
#   deploy/local/cluster.sh up|down|status
# Build first: dotnet build src/AgentRouter.Cli -c Release
# 'down' stops only the processes this script started (their pids are in $STATE_DIR).
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
STATE_DIR="${AGENTROUTER_CLUSTER_DIR:-$ROOT/.cluster-local}"
REDIS_PORT="${AGENTROUTER_REDIS_PORT:-6390}"
ROUTER_PORT="${AGENTROUTER_ROUTER_PORT:-4053}"
MODELS_A_PORT="${AGENTROUTER_MODELS_A_PORT:-4054}"
MODELS_B_PORT="${AGENTROUTER_MODELS_B_PORT:-4055}"
HTTP_PORT="${AGENTROUTER_HTTP_PORT:-8080}"
HTTP_URL="http://127.0.0.1:$HTTP_PORT"
SEEDS="127.0.0.1:$ROUTER_PORT,127.0.0.1:$MODELS_A_PORT"
NODES=(router models-a models-b)

agentrouter_dll() {
  for configuration in Release Debug; do
    local dll="$ROOT/src/AgentRouter.Cli/bin/$configuration/net10.0/agentrouter.dll"
    if [ -f "$dll" ]; then echo "$dll"; return 0; fi
  done
  echo "agentrouter is not built: run 'dotnet build src/AgentRouter.Cli -c Release' first" >&2
  return 1
}

alive() { [ -f "$STATE_DIR/$1.pid" ] && kill -0 "$(cat "$STATE_DIR/$1.pid")" 2>/dev/null; }

wait_for() { # description seconds command...
  local what="$1" seconds="$2"; shift 2
  local deadline=$((SECONDS + seconds))
  until "$@" >/dev/null 2>&1; do
    if [ "$SECONDS" -ge "$deadline" ]; then echo "timed out after ${seconds}s waiting for $what" >&2; return 1; fi
    sleep 0.2
  done
}

start_node() { # name port roles [extra args...]
  local name="$1" port="$2" roles="$3"; shift 3
  dotnet "$DLL" node --roles "$roles" --host 127.0.0.1 --port "$port" --seeds "$SEEDS" --node-id "$name" \
    --fast-failure-detection --status-file "$STATE_DIR/$name.status.json" "$@" >"$STATE_DIR/$name.log" 2>&1 &
  echo $! >"$STATE_DIR/$name.pid"
}

cluster_ready() {
  python3 - "$STATE_DIR/router.status.json" <<'PY'
import json, sys
s = json.load(open(sys.argv[1]))
sys.exit(0 if s["up"] and len(s["members"]) == 3 and len(s["agents"]) == 4 else 1)
PY
}

up() {
  command -v redis-server >/dev/null || { echo "redis-server is missing (apt-get install -y redis-server)" >&2; exit 1; }
  DLL="$(agentrouter_dll)"
  mkdir -p "$STATE_DIR"
  for name in redis "${NODES[@]}"; do
    if alive "$name"; then echo "$name is already running (pid $(cat "$STATE_DIR/$name.pid")); run '$0 down' first" >&2; exit 1; fi
  done
  rm -f "$STATE_DIR"/*.status.json
  # Append-only file fsynced before each write is answered: accepted feedback survives a Redis kill -9 and
  # restart (docs/SECURITY.md "Durability").
  redis-server --port "$REDIS_PORT" --bind 127.0.0.1 --save "" --appendonly yes --appendfsync always --dir "$STATE_DIR" >"$STATE_DIR/redis.log" 2>&1 &
  echo $! >"$STATE_DIR/redis.pid"
  wait_for "redis on port $REDIS_PORT" 20 redis-cli -p "$REDIS_PORT" ping
  start_node router "$ROUTER_PORT" router --redis "127.0.0.1:$REDIS_PORT" --policy "${AGENTROUTER_POLICY:-ema}" --http-urls "$HTTP_URL"
  start_node models-a "$MODELS_A_PORT" models --agents "$ROOT/deploy/agents/models-a"
  start_node models-b "$MODELS_B_PORT" models --agents "$ROOT/deploy/agents/models-b"
  if ! wait_for "3 members and 4 agents on the router node" 90 cluster_ready; then
    echo "see the logs in $STATE_DIR" >&2; exit 1
  fi
  if ! wait_for "$HTTP_URL/readyz on the router node" 30 curl -fsS "$HTTP_URL/readyz"; then
    echo "see $STATE_DIR/router.log" >&2; exit 1
  fi
  echo "$HTTP_URL" >"$STATE_DIR/http.url"
  echo "cluster up: router akka.tcp://agentrouter@127.0.0.1:$ROUTER_PORT (seeds $SEEDS), redis 127.0.0.1:$REDIS_PORT"
  echo "HTTP endpoint: $HTTP_URL/v1 (OpenAI-compatible; models: router, router:default; dashboard $HTTP_URL/dashboard)"
}

down() {
  for name in "${NODES[@]}" redis; do
    if alive "$name"; then
      local pid; pid="$(cat "$STATE_DIR/$name.pid")"
      kill -TERM "$pid"
      if ! wait_for "$name (pid $pid) to stop" 20 bash -c "! kill -0 $pid"; then kill -KILL "$pid" 2>/dev/null || true; fi
      echo "stopped $name (pid $pid)"
    fi
    rm -f "$STATE_DIR/$name.pid"
  done
  rm -f "$STATE_DIR/http.url"
}

status() {
  for name in redis "${NODES[@]}"; do
    if alive "$name"; then echo "$name: running (pid $(cat "$STATE_DIR/$name.pid"))"; else echo "$name: not running"; fi
  done
  if [ -f "$STATE_DIR/http.url" ]; then
    local url; url="$(cat "$STATE_DIR/http.url")"
    if curl -fsS "$url/readyz" >/dev/null 2>&1; then echo "HTTP endpoint: $url/v1 (ready)"; else echo "HTTP endpoint: $url/v1 (not answering /readyz)"; fi
  fi
  if alive router && [ -f "$STATE_DIR/router.status.json" ]; then
    python3 - "$STATE_DIR/router.status.json" <<'PY'
import json, sys
s = json.load(open(sys.argv[1]))
print("router node:", "up" if s["up"] else "not up", "| members:", len(s["members"]), "| unreachable:", len(s["unreachable"]))
for agent, node in sorted(s["agents"].items()):
    print(f"  agent {agent} on {node}")
state = s.get("sharedState")
if state:
    print(f"  shared state: degraded={state['degraded']} buffered={state['buffered']} dropped={state['dropped']} outcomesApplied={state['outcomesApplied']} feedbackApplied={state['feedbackApplied']}")
PY
  fi
}

case "${1:-}" in
  up) up ;;
  down) down ;;
  status) status ;;
  *) echo "usage: $0 up|down|status" >&2; exit 2 ;;
esac
