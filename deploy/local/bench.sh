#!/usr/bin/env bash
# The cluster benchmark of docs/benchmarks/cluster.md: brings the local cluster up, loads it through a
# benchmark router node, kills the models-b node process (SIGKILL) part-way, reports, and brings it down.
#   deploy/local/bench.sh [extra cluster-bench options]
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
STATE_DIR="${AGENTROUTER_CLUSTER_DIR:-$ROOT/.cluster-local}"
"$ROOT/deploy/local/cluster.sh" up
trap '"$ROOT/deploy/local/cluster.sh" down' EXIT
DLL="$ROOT/src/AgentRouter.Cli/bin/Release/net10.0/agentrouter.dll"
dotnet "$DLL" cluster-bench --seeds "127.0.0.1:${AGENTROUTER_ROUTER_PORT:-4053},127.0.0.1:${AGENTROUTER_MODELS_A_PORT:-4054}" \
  --redis "127.0.0.1:${AGENTROUTER_REDIS_PORT:-6390}" --policy round-robin --duration 20 --concurrency 64 \
  --kill-pid "$(cat "$STATE_DIR/models-b.pid")" --kill-after 8 "$@" 2>&1 | grep -v -E '^\s+at |^\[(WARNING|ERROR)\]|^Cause:|^Akka\.|^System\.'
