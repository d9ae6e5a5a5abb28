#!/usr/bin/env bash
# GPU readiness check (issue #19 item 8). On a machine with an NVIDIA GPU:
#   1. builds the CLI against the CUDA libtorch package (CUDA stays a build-time choice of package, never a requirement);
#   2. fixture parity on cuda: the hf-moe full_mixtral fixture's logits against transformers' float64 reference,
#      float32 within 1e-4 and bf16 within the stated tolerance (0.05 x the largest reference logit + 0.02: bf16 keeps
#      8 bits of mantissa, and two decoder layers round after every op);
#   3. a bf16 decode benchmark at real dimensions: a random-weight OLMoE-1B-7B-shaped checkpoint (6.9 B parameters,
#      13.8 GB) written shard by shard, loaded and decoded on cuda (bench load);
# and prints ONE summary line. Exit code 0 when both parity checks pass, 1 when one fails, 3 when there is no GPU.
#   LIBTORCH_CUDA_PACKAGE  the NuGet package id of the CUDA libtorch build (default libtorch-cuda-12.8-linux-x64)
#   LIBTORCH_VERSION       its version (default 2.10.0, the CPU package's)
#   GPU_CHECK_WORK         scratch folder (default /tmp/agentrouter-gpu-check; the 13.8 GB checkpoint goes there)
#   GPU_CHECK_SKIP_DECODE  set to 1 to skip the real-dimension benchmark
set -euo pipefail
cd "$(dirname "$0")/.."
work="${GPU_CHECK_WORK:-/tmp/agentrouter-gpu-check}"
package="${LIBTORCH_CUDA_PACKAGE:-libtorch-cuda-12.8-linux-x64}"
version="${LIBTORCH_VERSION:-2.10.0}"

if ! command -v nvidia-smi >/dev/null 2>&1 || ! nvidia-smi -L >/dev/null 2>&1; then
  echo "gpu-check: SKIPPED (no NVIDIA GPU on this machine)"
  exit 3
fi
gpu="$(nvidia-smi --query-gpu=name --format=csv,noheader | head -1)"
mkdir -p "$work"

dotnet build src/AgentRouter.Cli -c Release --nologo -v quiet -p:LibTorchPackage="$package" -p:LibTorchVersion="$version" >"$work/build.log" 2>&1 \
  || { echo "gpu-check: FAILED to build with $package $version (see $work/build.log)"; exit 1; }
cli=(dotnet src/AgentRouter.Cli/bin/Release/net10.0/agentrouter.dll)

"${cli[@]}" model assemble-fixture data/hf-moe full_mixtral "$work/full_mixtral" >/dev/null
ids="$(python3 -c 'import json; print(",".join(map(str, json.load(open("data/hf-moe/full_mixtral.json"))["input_ids"])))')"
parity() { # dtype -> "max_abs_difference tolerance ok|FAIL"
  "${cli[@]}" model logits "$work/full_mixtral" --ids "$ids" --all-positions --dtype "$1" --device cuda >"$work/logits-$1.json"
  python3 - "$work/logits-$1.json" "$1" <<'PY'
import json, sys
got = [v for row in json.load(open(sys.argv[1]))["logits"] for v in row]
ref = json.load(open("data/hf-moe/full_mixtral.json"))["hf_logits"]
worst = max(abs(a - b) for a, b in zip(got, ref))
tolerance = 1e-4 if sys.argv[2] == "fp32" else 0.05 * max(abs(b) for b in ref) + 0.02
print(f"{worst:.3g} {tolerance:.3g} {'ok' if len(got) == len(ref) and worst <= tolerance else 'FAIL'}")
PY
}
read -r fp32_diff fp32_tol fp32_ok <<<"$(parity fp32)"
read -r bf16_diff bf16_tol bf16_ok <<<"$(parity bf16)"

decode="skipped"
if [[ "${GPU_CHECK_SKIP_DECODE:-0}" != 1 ]]; then
  "${cli[@]}" bench load "$work/olmoe-1b-7b" --write-config docs/benchmarks/configs/olmoe-1b-7b-config.json --dtype bf16 --device cuda \
    --decode-steps 32 >"$work/decode.md" 2>"$work/decode.log"
  decode="$(grep -o '^| decode, batch 1.*| \([0-9.]*\) tok/s |' "$work/decode.md" | grep -o '[0-9.]* tok/s' | tail -1)"
  rm -rf "$work/olmoe-1b-7b"
fi

status=ok
[[ "$fp32_ok" == ok && "$bf16_ok" == ok ]] || status=FAIL
echo "gpu-check: $status gpu=\"$gpu\" libtorch=$package/$version fixture-parity fp32 max|diff|=$fp32_diff (<= $fp32_tol: $fp32_ok) bf16 max|diff|=$bf16_diff (<= $bf16_tol: $bf16_ok) bf16-decode OLMoE-1B-7B-dims batch-1=$decode"
[[ "$status" == ok ]]
