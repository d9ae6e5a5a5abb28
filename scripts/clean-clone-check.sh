#!/usr/bin/env bash
# The newcomer's path, checked: clones this repository into an empty temporary folder (so there is no ../shared beside
# it) and runs every command of README.md's bash blocks there, in order; each must exit 0 within the time budget.
# Skipped, with the reason printed: README's test command (scripts/test.sh, which is CI's own first step), the live
# harness lines against an endpoint of your own (127.0.0.1:8000; the replay after them reads what that run wrote),
# and the cluster block where redis-server is not installed. `serve` is started in the background and waited for on
# /readyz; it keeps serving the commands after it until the next `serve` or the cluster block replaces it.
#   scripts/clean-clone-check.sh                                   # clones the committed HEAD of this repository
#   AGENTROUTER_CLEAN_CLONE_BUDGET_S=1800 scripts/clean-clone-check.sh   # whole-check time budget (default 1800 s)
# Prints each command with its wall time, then one summary line.
set -euo pipefail
cd "$(dirname "$0")/.."
repository=$PWD
budget=${AGENTROUTER_CLEAN_CLONE_BUDGET_S:-1800}
started=$SECONDS
remaining() { echo $((budget - (SECONDS - started))); }

work=$(mktemp -d)
server_pid=""
stop_server() { # the server runs in its own process group (setsid): 'dotnet run' and the app it starts
  if [ -n "$server_pid" ]; then kill -TERM -- "-$server_pid" 2>/dev/null || true; wait "$server_pid" 2>/dev/null || true; server_pid=""; fi
}
cleanup() {
  stop_server
  if [ -x "$work/agentrouter/deploy/local/cluster.sh" ]; then "$work/agentrouter/deploy/local/cluster.sh" down >/dev/null 2>&1 || true; fi
  rm -rf "$work"
}
trap cleanup EXIT

git clone --quiet "$repository" "$work/agentrouter"
cd "$work/agentrouter"
[ ! -e ../shared ] || { echo "error: $work/shared exists; the check needs a clone without ../shared" >&2; exit 1; }

# README's bash blocks as commands (continuation lines joined), each with its line number, NUL-separated.
mapfile -d '' commands < <(python3 - README.md <<'PY'
import sys
lines = open(sys.argv[1], encoding="utf-8").read().split("\n")
inside = False
i = 0
while i < len(lines):
    line = lines[i]
    if line.strip().startswith("```"):
        inside = (not inside) and line.strip() == "```bash"
        i += 1
        continue
    if inside and line.strip() and not line.strip().startswith("#"):
        start = i + 1
        text = line
        while text.endswith("\\") and i + 1 < len(lines):
            i += 1
            text = text[:-1] + " " + lines[i].strip()
        sys.stdout.write(f"{start}\t{text}\0")
    i += 1
PY
)

ran=0
for entry in "${commands[@]}"; do
  line=${entry%%$'\t'*}
  command=${entry#*$'\t'}
  case "$command" in
    *scripts/test.sh*)
      echo "README.md:$line: skipped here (CI's own first step): $command"; continue ;;
    *"harness run"*"--endpoint http://127.0.0.1:8000"*)
      echo "README.md:$line: skipped (needs an OpenAI-compatible endpoint of your own): $command"; continue ;;
    *reports/harness-arc/*)
      echo "README.md:$line: skipped (reads the output of the skipped harness run): $command"; continue ;;
    *deploy/local/*)
      if ! command -v redis-server >/dev/null; then echo "README.md:$line: skipped (no redis-server): $command"; continue; fi
      stop_server ;; # the router node serves HTTP on the same port
  esac
  [ "$(remaining)" -gt 0 ] || { echo "error: time budget of $budget s spent before README.md:$line" >&2; exit 1; }
  echo "README.md:$line: $command"
  command_started=$SECONDS
  if [[ "$command" == *" -- serve"* ]]; then
    stop_server # one server at a time on 127.0.0.1:8080: the next serve block replaces the previous one
    setsid bash -c "$command" >"$work/serve.log" 2>&1 &
    server_pid=$!
    while [ "$(remaining)" -gt 0 ]; do
      curl -fsS http://127.0.0.1:8080/readyz >/dev/null 2>&1 && break
      kill -0 "$server_pid" 2>/dev/null || { echo "error: README.md:$line: serve exited:" >&2; cat "$work/serve.log" >&2; exit 1; }
      sleep 0.5
    done
    curl -fsS http://127.0.0.1:8080/readyz >/dev/null || { echo "error: README.md:$line: serve did not become ready" >&2; cat "$work/serve.log" >&2; exit 1; }
  elif timeout "$(remaining)" bash -o pipefail -c "$command" >"$work/out.log" 2>&1; then
    :
  else
    code=$?
    [ "$code" -eq 124 ] && reason="ran out of the $budget s budget" || reason="exited with $code"
    echo "error: README.md:$line $reason in a clean clone: $command" >&2
    tail -40 "$work/out.log" >&2
    exit 1
  fi
  echo "  ok in $((SECONDS - command_started)) s"
  ran=$((ran + 1))
done

echo "clean clone: $ran README commands exited 0 in $((SECONDS - started)) s (budget $budget s)"
