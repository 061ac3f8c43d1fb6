#!/usr/bin/env bash
# Data-parallel scaling on this machine: training steps per second of the Fashion-MNIST sample's MLP (784-256-10,
# global batch 64) and of 784-1024-1024-10 (global batch 256) in one process and on 1, 2 and 4 MPI ranks (4 is
# oversubscribed on 2 cores), with the gradients' all-reduce after the backward pass (bucket 0) and overlapped with it
# (buckets started while the layers below still compute). Then the model of N machines: per step, the all-reduce of a
# ring, 2·(N−1)/N · gradient bytes / bandwidth, against the step's compute measured here in one process.
#   bash bench/distributed.sh [STEPS_SAMPLE] [STEPS_BIG]        (defaults 200 and 20: about two minutes)
set -euo pipefail
cd "$(dirname "$0")/.."
steps_sample="${1:-200}"; steps_big="${2:-20}"
dotnet build -c Release bench/Distributed -v quiet --nologo > /dev/null
bench="dotnet bench/Distributed/bin/Release/net10.0/DistributedBench.dll"
# Waiting ranks yield the processor instead of spinning: on a machine shared with other work (or oversubscribed) a
# spinning rank takes the core its partner needs (on this loaded machine, the sample on 2 ranks: 61.4 ms per step
# spinning, 20.6 ms yielding).
mpi="mpirun --allow-run-as-root --oversubscribe --bind-to none --mca mpi_yield_when_idle 1"
out="$(mktemp)"
run() { "$@" | sed 's/\x1b\[?1h\x1b=//g' | grep '^RESULT' | tee -a "$out"; }

echo "model ranks bucket steps/s samples/s ms/step allreduce-ms/step compute-ms/step parameters"
for m in sample big; do
  steps=$steps_sample; [[ $m == big ]] && steps=$steps_big
  # Overlap buckets: the last layer's gradients (and for big the last two) go while the first layer's are computed.
  overlap=3000; [[ $m == big ]] && overlap=1100000
  run $bench $m "$steps"
  run env MODELGEN_THREADS=1 $bench $m "$steps"
  for n in 1 2 4; do
    threads=1; [[ $n == 1 ]] && threads=2
    run $mpi -x MODELGEN_THREADS=$threads -np $n $bench $m "$steps" --distributed --bucket 0
    run $mpi -x MODELGEN_THREADS=$threads -np $n $bench $m "$steps" --distributed --bucket $overlap
  done
done

echo
echo "Model of N machines (one rank each, the global batch split over them, compute scaling as 1/N from the faster"
echo "one-process step measured above; a ring all-reduce costs 2·(N−1)·α + 2·(N−1)/N · gradient bytes / bandwidth"
echo "per step, with α = 25 µs per message on TCP):"
python3 - "$out" <<'PY'
import sys
rows = [l.split() for l in open(sys.argv[1])]
first = {}
for r in rows:
    if r[2] == "1" and r[3] == "-":
        t = float(r[6])
        if r[1] not in first or t < first[r[1]][0]: first[r[1]] = (t, int(r[9]))
print("| network | step in one process (ms) | gradient MB | Gbit/s | N | compute ms/step | all-reduce ms/step | speed-up, no overlap | speed-up, full overlap |")
print("|---|--:|--:|--:|--:|--:|--:|--:|--:|")
for name, label in (("sample", "784-256-10 (the sample), batch 64"), ("big", "784-1024-1024-10, batch 256")):
    t, p = first[name]
    mb = 4 * p / 1e6
    for gbit in (10, 25):
        for n in (2, 4, 8, 16):
            comm = 2 * (n - 1) * 0.025 + 2 * (n - 1) / n * 4 * p * 8 / (gbit * 1e9) * 1e3
            c = t / n
            print(f"| {label} | {t:.2f} | {mb:.2f} | {gbit} | {n} | {c:.2f} | {comm:.2f} | {t / (c + comm):.2f}× | {t / max(c, comm):.2f}× |")
PY
rm -f "$out"
