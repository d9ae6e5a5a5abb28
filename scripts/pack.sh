#!/usr/bin/env bash
# Packs the libraries under src/ and the `agentrouter` .NET tool into artifacts/packages (a local NuGet feed), then
# checks what a user of the packages would do: builds the samples against that feed, runs the embedding sample, and
# installs the tool from the feed into a temporary tool path to run `agentrouter --help`.
# Expects a Release build of the solution (scripts/test.sh makes one); packs with --no-build, so nothing is compiled twice.
#   scripts/pack.sh                 # version 0.1.0-local.<UTC timestamp> (unique, so NuGet's cache never serves a stale copy)
#   AGENTROUTER_PACKAGE_VERSION=0.2.0 scripts/pack.sh
set -euo pipefail
cd "$(dirname "$0")/.."

version="${AGENTROUTER_PACKAGE_VERSION:-0.1.0-local.$(date -u +%Y%m%d%H%M%S)}"
feed="$PWD/artifacts/packages"
rm -rf "$feed" && mkdir -p "$feed"

echo "packing AgentRouter $version into $feed"
dotnet pack AgentRouter.sln -c Release --no-build --nologo -v quiet -o "$feed" -p:PackageVersion="$version"
ls -1 "$feed"

echo "building the samples against the local feed"
for sample in samples/*/; do
  dotnet build "$sample" -c Release --nologo -v quiet -p:AgentRouterVersion="$version"
done
echo "running samples/EmbeddedRouter"
dotnet "samples/EmbeddedRouter/bin/Release/net10.0/EmbeddedRouter.dll"

tools=$(mktemp -d)
trap 'rm -rf "$tools"' EXIT
echo "installing the agentrouter tool from the local feed"
dotnet tool install AgentRouter.Tool --tool-path "$tools" --add-source "$feed" --version "$version" >/dev/null
"$tools/agentrouter" --help >/dev/null
"$tools/agentrouter" version
echo "packages, samples and tool: ok"
