#!/usr/bin/env bash
# ModelGen and PyTorch side by side on the benchmark shapes of ../shared/bench/torch_mlp.py (and the FashionCnn
# network): builds tests/ModelGen.Benchmarks in Release and runs its --compare mode, which times each ModelGen case in
# its own process, then runs /usr/bin/python3 ../shared/bench/torch_mlp.py 1 when python3 with torch is there, and
# prints one Markdown table (ratios, GFLOP/s, goals, peak working set, managed bytes per step) with the machine.
# Extra arguments go to the program: --no-torch, --no-cnn, --in-process, --python PATH, --repeat N (medians of N rounds),
# --cases xor,mlp128,mlp512,mlp1024,lenet, --torch-env NAME=VALUE (environment of the PyTorch runs only; for example
# OPENBLAS_NUM_THREADS=1, as OpenBLAS ignores torch.set_num_threads, or MALLOC_MMAP_THRESHOLD_=4294967296 and
# MALLOC_TRIM_THRESHOLD_=4294967296, so glibc keeps freed tensors and PyTorch's steps stop paying page faults).
# Exits non-zero when a case allocates on the managed heap after warm-up or cannot be measured.
set -euo pipefail
cd "$(dirname "$0")/.."
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
dotnet build tests/ModelGen.Benchmarks -c Release -v quiet -nologo 1>&2
exec dotnet run -c Release --no-build --project tests/ModelGen.Benchmarks -- --compare "$@"
