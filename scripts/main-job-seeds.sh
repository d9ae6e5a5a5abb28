#!/usr/bin/env bash
# The main job's headline figure over several seeds: runs `agentrouter run --seed S` for each seed (default 1-5) with
# any extra `run` options given after `--`, and prints per-seed merged accuracy, best single agent and merged − best,
# then the mean, sample standard deviation and range. Runs learn from modelled latency, so a rerun prints the same
# numbers on any machine. Used for docs/benchmarks/local-agents.md.
#   scripts/main-job-seeds.sh                       # seeds 1-5, defaults (pheromone, panel 3, weighted-vote, 300 queries)
#   scripts/main-job-seeds.sh 1 2 3 4 5 6 -- --policy ema-main-job --panel 1
set -euo pipefail
cd "$(dirname "$0")/.."

seeds=()
while [ $# -gt 0 ] && [ "$1" != "--" ]; do seeds+=("$1"); shift; done
[ "${1:-}" = "--" ] && shift
[ ${#seeds[@]} -eq 0 ] && seeds=(1 2 3 4 5)

dotnet build src/AgentRouter.Cli -c Release --nologo -v quiet >/dev/null
cli=(dotnet src/AgentRouter.Cli/bin/Release/net10.0/agentrouter.dll)
report=$(mktemp -d)
trap 'rm -rf "$report"' EXIT

echo "command: agentrouter run --seed S $*"
echo "| seed | merged accuracy | best single agent | merged − best (points) |"
echo "|---:|---:|---|---:|"
rows=""
for seed in "${seeds[@]}"; do
  out=$(NO_COLOR=1 "${cli[@]}" run --seed "$seed" --report "$report/$seed" "$@")
  merged=$(sed -n 's/^policy .*: merged accuracy \([0-9.]*\) % over.*/\1/p' <<<"$out")
  best=$(sed -n 's/^best single agent .*: \(.*\) \([0-9.]*\) %; merged − best = \([-+0-9.]*\) points$/\1 \2 %/p' <<<"$out")
  delta=$(sed -n 's/^best single agent .*; merged − best = \([-+0-9.]*\) points$/\1/p' <<<"$out")
  [ -n "$merged" ] && [ -n "$delta" ] || { echo "error: seed $seed printed no summary:" >&2; echo "$out" >&2; exit 1; }
  echo "| $seed | $merged % | $best | $delta |"
  rows+="$merged $delta"$'\n'
done
awk 'NF == 2 { n++; m += $1; mm += $1 * $1; d += $2; dd += $2 * $2
               if (n == 1 || $2 < lo) lo = $2; if (n == 1 || $2 > hi) hi = $2 }
     END { sdm = n > 1 ? sqrt((mm - m * m / n) / (n - 1)) : 0; sdd = n > 1 ? sqrt((dd - d * d / n) / (n - 1)) : 0
           printf "mean over %d seeds: merged accuracy %.1f %% (sd %.1f), merged − best %+.1f points (sd %.1f, range %+.1f to %+.1f)\n",
                  n, m / n, sdm, d / n, sdd, lo, hi }' <<<"$rows"
