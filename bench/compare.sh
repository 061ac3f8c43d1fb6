#!/usr/bin/env bash
# ModelGen beside ONNX Runtime (inference) and PyTorch (training, batch-1 inference) on the benchmark shapes of
# ../shared/bench/torch_mlp.py and the FashionCnn network. Builds tests/ModelGen.Benchmarks in Release; when the Python
# (/usr/bin/python3, or --python) can import torch, runs bench/export_onnx.py, which writes the ONNX files of the same
# PyTorch models into bench/.onnx/ (a cache, ignored by git; a file newer than the script is kept); then runs the
# program's --compare mode: each ModelGen case in its own process (a training step, batch-1 inference, and batch-64
# inference for the MLPs and LeNet), then ONNX Runtime 1.31 on every exported model at batch 1 and 64 with
# IntraOpNumThreads 1 and all processors (the best reported; input and output bound once with OrtIoBinding), each in
# its own process, then torch_mlp.py 1 and tests/ModelGen.Benchmarks/torch_lenet_step.py 1; and prints one Markdown
# table with the machine and the vector width in use: ratios against each peer, GFLOP/s and % of the measured peak,
# issue 10's goals met or not, peak working set, managed bytes per call.
#
# Options (passed on to the program):
#   --cases xor,mlp128,mlp512,mlp1024,lenet   the cases to run (default all)     --no-cnn     leave out LeNet
#   --no-torch      skip PyTorch's timing runs (the ONNX export still runs when torch is there)
#   --no-onnx       skip ONNX Runtime (and the export)
#   --onnx-dir DIR  where the .onnx files are (default bench/.onnx); without them ONNX Runtime is left out with a note
#   --ort-threads 1,2   ONNX Runtime's IntraOpNumThreads settings (default: 1 and the number of processors)
#   --ort-own-kernels   on an AVX-512 processor with ModelGen's 512-bit vectors off, let ONNX Runtime run its AVX-512
#                   kernels; by default it then loads a copy of its library whose AVX-512 checks never pass, so both sides
#                   run AVX2 code (tests/ModelGen.Benchmarks/OrtKernelWidth.cs; a temporary file, removed afterwards)
#   --python PATH   the Python with torch (default /usr/bin/python3)
#   --repeat N      medians of N rounds                                      --in-process   no child processes
#   --torch-env NAME=VALUE   environment of the PyTorch runs only, repeatable; for example OPENBLAS_NUM_THREADS=1, as
#                   OpenBLAS ignores torch.set_num_threads, or MALLOC_MMAP_THRESHOLD_=4294967296 and
#                   MALLOC_TRIM_THRESHOLD_=4294967296, so glibc keeps freed tensors and PyTorch's steps stop paying
#                   page faults (the "tuned" PyTorch of the README)
#   --seconds S     every timed loop S seconds instead of 2 s / 1 s: a quick functional check, not figures to quote
# The AVX2 path on an AVX-512 machine: DOTNET_EnableAVX512=0 bash bench/compare.sh (the table names the vector width;
# .NET 10 ignores the older name DOTNET_EnableAVX512F, which this script maps to the new one). When ModelGen runs 512-bit
# vectors, PyTorch gets OPENBLAS_CORETYPE=SkylakeX (its AVX-512 kernels) unless --torch-env sets OPENBLAS_CORETYPE.
# The full comparison of the README: bash bench/compare.sh --repeat 3 --torch-env MALLOC_MMAP_THRESHOLD_=4294967296 \
#   --torch-env MALLOC_TRIM_THRESHOLD_=4294967296
# Exits non-zero when a ModelGen case allocates on the managed heap after warm-up, or a measurement cannot be made.
set -euo pipefail
cd "$(dirname "$0")/.."
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
# .NET 10 reads AVX-512 as one switch, DOTNET_EnableAVX512; the older DOTNET_EnableAVX512F=0 alone would leave 512-bit
# vectors on. Given the older name only, this script passes it on under the new one, so either command runs the AVX2 path.
if [[ "${DOTNET_EnableAVX512F:-}" == 0 && -z "${DOTNET_EnableAVX512:-}" ]]; then export DOTNET_EnableAVX512=0; fi

python=/usr/bin/python3 onnx_dir=bench/.onnx no_onnx=0
args=("$@")
for ((i = 0; i < ${#args[@]}; i++)); do
  case "${args[i]}" in
    --python) python="${args[i + 1]:-$python}" ;;
    --onnx-dir) onnx_dir="${args[i + 1]:-$onnx_dir}" ;;
    --no-onnx) no_onnx=1 ;;
  esac
done

if [[ $no_onnx == 0 ]]; then
  if "$python" -c 'import torch' >/dev/null 2>&1; then
    "$python" bench/export_onnx.py --out "$onnx_dir" 1>&2 || echo "compare.sh: bench/export_onnx.py failed; ONNX Runtime runs on the files already there" >&2
  else
    echo "compare.sh: $python cannot import torch, so the ONNX files are not exported; ONNX Runtime runs on those already in $onnx_dir" >&2
  fi
fi

dotnet build tests/ModelGen.Benchmarks -c Release -v quiet -nologo 1>&2
exec dotnet run -c Release --no-build --project tests/ModelGen.Benchmarks -- --compare "$@"
