#!/usr/bin/env bash
# Issue 16, "a longer run on demand": runs the fuzz tests that CI runs with 1,000 cases per parser, with as many cases
# and whatever seed you ask for. The tests read AGENTROUTER_FUZZ_ITERATIONS / AGENTROUTER_FUZZ_SEED /
# AGENTROUTER_FUZZ_CASE_SECONDS (docs/SECURITY.md, "Fuzzing"); this script only sets them and picks the projects.
set -euo pipefail
cd "$(dirname "$0")/.."

usage() {
  cat <<'USAGE'
usage: bash scripts/fuzz.sh [--iterations N] [--seed S] [--case-seconds T] [--only core|actors|inference|server]
  --iterations N     cases per parser (default 1000, as in CI)
  --seed S           mutation seed (default 16, as in CI); a failing case reproduces from its seed and index
  --case-seconds T   time budget of one case before it counts as a hang (default 10)
  --only P           fuzz one project's parsers: core (manifests, presets, replay readers), actors (simulated
                     agents' manifests), inference (safetensors, config, tokenizer files) or server (HTTP
                     bodies); default all four
USAGE
}

iterations=1000 seed=16 case_seconds=10 only=all
positive() { [[ $2 =~ ^[0-9]+$ && $2 -gt 0 ]] || { echo "fuzz.sh: $1 must be a positive integer, got '$2'" >&2; usage >&2; exit 2; }; }
while [[ $# -gt 0 ]]; do
  case $1 in
    --iterations) [[ $# -ge 2 ]] || { usage >&2; exit 2; }; positive "$1" "$2"; iterations=$2; shift 2 ;;
    --seed) [[ $# -ge 2 && $2 =~ ^-?[0-9]+$ ]] || { echo "fuzz.sh: --seed needs an integer" >&2; exit 2; }; seed=$2; shift 2 ;;
    --case-seconds) [[ $# -ge 2 ]] || { usage >&2; exit 2; }; positive "$1" "$2"; case_seconds=$2; shift 2 ;;
    --only) [[ $# -ge 2 && $2 =~ ^(core|actors|inference|server)$ ]] || { echo "fuzz.sh: --only takes core, actors, inference or server" >&2; exit 2; }; only=$2; shift 2 ;;
    -h|--help) usage; exit 0 ;;
    *) echo "fuzz.sh: unknown argument '$1'" >&2; usage >&2; exit 2 ;;
  esac
done

case $only in
  core) projects=(Core) ;;
  actors) projects=(Actors) ;;
  inference) projects=(Inference) ;;
  server) projects=(Server) ;;
  *) projects=(Core Actors Inference Server) ;;
esac

export AGENTROUTER_FUZZ_ITERATIONS=$iterations AGENTROUTER_FUZZ_SEED=$seed AGENTROUTER_FUZZ_CASE_SECONDS=$case_seconds
echo "fuzz.sh: $iterations cases per parser, seed $seed, ${case_seconds} s per case, projects: ${projects[*]}"
status=0
for project in "${projects[@]}"; do
  dir="tests/AgentRouter.$project.Tests"
  echo "fuzz.sh: building $dir"
  dotnet build "$dir" -c Release --nologo -v quiet
  echo "fuzz.sh: fuzzing $dir"
  dotnet test "$dir" --no-build -c Release --nologo --filter "FullyQualifiedName~Fuzz" --logger "console;verbosity=detailed" || status=1
done
[[ $status -eq 0 ]] && echo "fuzz.sh: no failures" || echo "fuzz.sh: FAILURES above (each names its case index and input)"
exit $status
