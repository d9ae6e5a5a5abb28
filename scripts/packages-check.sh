#!/usr/bin/env bash
# Issue 18, "packages and a tool": packs every AgentRouter package and the agentrouter tool into a temporary local
# feed, builds the three samples/ against that feed (not against the projects), runs the two offline ones, installs
# the tool into a temporary tool path and runs 'agentrouter --help' and one command that loads TorchSharp's natives.
# Exits non-zero on the first failure; the last line is one summary with the time of each step.
# Packages get a unique pre-release version (PackageVersion only, so the assemblies of an earlier Release build are
# reused as they are) and that version is removed from ~/.nuget/packages afterwards, so no stale 0.1.0 is ever read.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
version="0.1.0-check.$(date -u +%Y%m%d%H%M%S)"
work=$(mktemp -d)
feed="$work/feed"
packages="${NUGET_PACKAGES:-$HOME/.nuget/packages}"
cleanup() {
  rm -rf "$work"
  for dir in "$packages"/agentrouter.*/"$version"; do rm -rf "$dir"; done
}
trap cleanup EXIT

summary=()
step() { # step NAME COMMAND...: runs it, logs to $work/NAME.log, records its seconds, stops the script on failure
  local name=$1; shift
  local start=$SECONDS
  if ! "$@" > "$work/$name.log" 2>&1; then
    tail -40 "$work/$name.log"
    echo "packages-check: FAILED at '$name' after $((SECONDS - start)) s (${summary[*]:-nothing before})"
    exit 1
  fi
  summary+=("$name $((SECONDS - start))s")
}

step pack dotnet pack AgentRouter.sln -c Release --nologo -v quiet -o "$feed" -p:PackageVersion="$version"

# The samples are copied out of the repository, as a user's own projects would be, with the feed as their local-feed.
cp -r samples "$work/samples"
rm -rf "$work/samples/local-feed" && ln -s "$feed" "$work/samples/local-feed"
for sample in EmbedConsole ServerHost SemanticKernelChat; do
  step "build-$sample" dotnet build "$work/samples/$sample" -c Release --nologo -v quiet -p:AgentRouterPackageVersion="$version"
done
step run-EmbedConsole dotnet run --project "$work/samples/EmbedConsole" -c Release --no-build
grep -q "merged answer:" "$work/run-EmbedConsole.log" || { cat "$work/run-EmbedConsole.log"; echo "packages-check: EmbedConsole printed no answer"; exit 1; }
step run-SemanticKernelChat dotnet run --project "$work/samples/SemanticKernelChat" -c Release --no-build

tools="$work/tools"
step tool-install dotnet tool install AgentRouter.Cli --tool-path "$tools" --add-source "$feed" --version "$version"
step tool-help "$tools/agentrouter" --help
# A command that touches torch: the installed tool's libLibTorchSharp.so must load on this machine's libstdc++.
step tool-torch "$tools/agentrouter" model assemble-fixture "$root/data/hf-moe" full_mixtral "$work/full-mixtral"
step tool-generate "$tools/agentrouter" model generate "$work/full-mixtral" --ids 22,25,29 --max-new 4 --greedy
grep -q "^17 20" "$work/tool-generate.log" || { cat "$work/tool-generate.log"; echo "packages-check: tool generated an unexpected sequence"; exit 1; }

tool_nupkg=$(ls "$feed"/AgentRouter.Cli."$version".nupkg)
echo "packages-check: ok, $(ls "$feed"/*.nupkg | wc -l) packages (tool $(($(stat -c %s "$tool_nupkg") / 1048576)) MiB), 3 samples, tool installed: ${summary[*]} (total ${SECONDS} s)"
