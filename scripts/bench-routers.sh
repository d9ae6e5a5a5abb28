#!/usr/bin/env bash
# Runs the embedding-router comparison (issue #14) on every task with a train/test split and collects the
# tables and plots under docs/benchmarks/routers/<task>/. Usage: scripts/bench-routers.sh [OPEN7B_DIR]
# OPEN7B_DIR defaults to ~/.cache/agentrouter/data/open7b (agentrouter data fetch open7b).
set -euo pipefail
open7b="${1:-$HOME/.cache/agentrouter/data/open7b}"
cli="dotnet ${AGENTROUTER_CLI_DLL:-src/AgentRouter.Cli/bin/Release/net10.0/agentrouter.dll}"
policies="ema,ema-lex,pheromone,ucb1,thompson,epsilon,linucb,random,oracle,best-single"
out=docs/benchmarks/routers
mkdir -p "$out"
run() {
  local task="$1" test="$2" train="$3"
  local command="agentrouter replay --data $test --train $train --policies $policies --seed 1"
  echo "== $task: $command" >&2
  local before after
  before=$(cat /proc/loadavg)
  $cli replay --data "$test" --train "$train" --policies "$policies" --seed 1 --out "reports/routers-$task" > "reports/routers-$task.log" 2>&1
  after=$(cat /proc/loadavg)
  mkdir -p "$out/$task"
  cp "reports/routers-$task/routers.md" "reports/routers-$task/routers.csv" "reports/routers-$task/cost-accuracy.png" "reports/routers-$task/report.md" "$out/$task/"
  printf '%s\n' "- command: \`$command\`" "- load average before: $before; after: $after" "- finished: $(date -u +%FT%TZ)" > "$out/$task/run.md"
}
run routerbench-arc-challenge data/routerbench/arc_challenge_test.csv data/routerbench/arc_challenge_train.csv
run open7b-arc-challenge "$open7b/arc_challenge_test.json" "$open7b/arc_challenge_train.json"
run open7b-arc-easy "$open7b/arc_easy_test.json" "$open7b/arc_easy_train.json"
run open7b-gsm8k "$open7b/gsm8k-test.json" "$open7b/gsm8k-train.json"
run open7b-mmlu "$open7b/mmlu_test.json" "$open7b/mmlu_train.json"
run open7b-cmmlu "$open7b/cmmlu_test.json" "$open7b/cmmlu_train.json"
