#!/usr/bin/env bash
# Builds nvlab in release and runs the GPU benchmark: vesicle-steps per second of the GPU
# engine for 10^5, 10^6 and 10^7 vesicles (capped by the adapter's buffer limits, with a
# message), bytes moved per vesicle-step, and the CPU engine on the same world in the same run.
# Usage: bench/gpu.sh [extra `nvlab bench` arguments, e.g. --steps 100 --nodes 100000]
set -euo pipefail
cd "$(dirname "$0")/.."
if [ -z "${XDG_RUNTIME_DIR:-}" ]; then
    export XDG_RUNTIME_DIR="$(mktemp -d)"
    chmod 700 "$XDG_RUNTIME_DIR"
fi
cargo build --release -p nv_lab
# 50 steps per measurement unless the arguments say otherwise.
args=("$@")
case " $* " in
    *" --steps "* | *" --steps="*) ;;
    *) args=(--steps 50 "${args[@]}") ;;
esac
"${CARGO_TARGET_DIR:-target}"/release/nvlab bench --backend gpu "${args[@]}"
