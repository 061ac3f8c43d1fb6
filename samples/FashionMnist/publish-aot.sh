#!/usr/bin/env bash
# Publishes the Fashion-MNIST sample four ways and measures them side by side:
#   aot    Native AOT (-p:FashionMnistAot=true, see FashionMnist.csproj) for x86-64-v3, the instruction set
#          ModelGen's build/ModelGen.Aot.targets chooses (AVX2, FMA)                   -> out/aot
#   aotv2  Native AOT for the compiler's default x86-64-v2 (ModelGenAotInstructionSet=default): no AVX2, no FMA, so
#          128-bit vectors and separate multiplies and adds (last bits differ from FMA) -> out/aotv2
#   jit    the regular framework-dependent Release build                                -> out/jit
#   r2r    framework-dependent ReadyToRun (precompiled IL, JIT as fallback)             -> out/r2r
# then prints a Markdown table (also written to out/results.md): size on disk, start-up time, seconds per epoch on the
# bundled subset (and on the full set when /usr/share/datasets/fashion-mnist is installed), and whether the printed
# losses and accuracies are identical across builds. A build that fails to publish is reported and skipped.
#
# Start-up: Program.cs has no load-and-exit option, so start-up is the time from launch to the first line it prints,
# which it prints after loading the training and test sets (median of STARTUP_RUNS runs of `--epochs 1` on the
# bundled subset).
#
# Usage: samples/FashionMnist/publish-aot.sh   (env: STARTUP_RUNS=5 SUBSET_EPOCHS=10 FULL_EPOCHS=3 SKIP_PUBLISH=1)
set -uo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
out="$here/out"
startup_runs="${STARTUP_RUNS:-5}"
subset_epochs="${SUBSET_EPOCHS:-10}"
full_epochs="${FULL_EPOCHS:-3}"
full_data=/usr/share/datasets/fashion-mnist
builds=(aot aotv2 jit r2r)
declare -A label=([aot]="Native AOT (x86-64-v3)" [aotv2]="Native AOT (x86-64-v2, no FMA)" [jit]="JIT" [r2r]="ReadyToRun")
declare -A publish_args=(
  [aot]="-c Release -r linux-x64 -p:FashionMnistAot=true"
  [aotv2]="-c Release -r linux-x64 -p:FashionMnistAot=true -p:ModelGenAotInstructionSet=default"
  [jit]="-c Release"
  [r2r]="-c Release -r linux-x64 --self-contained false -p:PublishReadyToRun=true"
)
declare -A ok publish_seconds

mkdir -p "$out/logs"
now() { date +%s.%N; }
minus() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.3f", a - b }'; }
median() { sort -g | awk '{ v[NR] = $1 } END { if (NR == 0) exit; printf "%.3f", NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
mib() { awk -v b="$1" 'BEGIN { printf "%.1f MiB", b / 1048576 }'; }

# ---- publish ----------------------------------------------------------------------------------------------------
for b in "${builds[@]}"; do
  if [[ -n "${SKIP_PUBLISH:-}" && -x "$out/$b/FashionMnist" ]]; then ok[$b]=1; publish_seconds[$b]="-"; continue; fi
  rm -rf "${out:?}/$b"
  echo ">> dotnet publish samples/FashionMnist ${publish_args[$b]} -o out/$b" >&2
  t0=$(now)
  # shellcheck disable=SC2086
  if dotnet publish "$here/FashionMnist.csproj" ${publish_args[$b]} -o "$out/$b" > "$out/logs/publish-$b.log" 2>&1 \
     && [[ -x "$out/$b/FashionMnist" ]]; then
    ok[$b]=1
  else
    ok[$b]=0
    echo "   publish failed (out/logs/publish-$b.log):" >&2
    grep -E ': error ' "$out/logs/publish-$b.log" | sed -E 's/ \[[^]]*\]$//' | sort -u | head -5 | sed 's/^/     /' >&2
  fi
  publish_seconds[$b]=$(minus "$(now)" "$t0")
  grep -m1 -o 'ModelGen: Native AOT instruction set.*' "$out/logs/publish-$b.log" | sed -E 's/ \[[^]]*\]$//; s/^/   /' >&2
  grep -E ': warning ' "$out/logs/publish-$b.log" | sed -E 's/ \[[^]]*\]$//' | sort -u > "$out/logs/warnings-$b.txt"
  echo "   ${publish_seconds[$b]} s, $(wc -l < "$out/logs/warnings-$b.txt") distinct warning(s) (out/logs/warnings-$b.txt)" >&2
done

# ---- measure ----------------------------------------------------------------------------------------------------
# Seconds from launch to the first line on stdout (printed once both data sets are loaded); the run then finishes.
first_line() {
  local t0 t1
  t0=$(now)
  t1=$("$@" 2>/dev/null | { IFS= read -r _ && now; cat > /dev/null; })
  [[ -n "$t1" ]] && minus "$t1" "$t0"
}
# Median of the per-epoch training seconds (without validation) in a run's history.csv.
epoch_seconds() {
  awk -F, 'NR == 1 { for (i = 1; i <= NF; i++) if ($i == "seconds") c = i; next } { print $c }' "$1/history.csv" | median
}
# What a run computed, to compare builds: history.csv at full precision without its timing column ("seconds"), and
# the final test accuracy line without its timings (the same comparison as .ci/run's).
figures() {
  awk -F, 'NR == 1 { for (i = 1; i <= NF; i++) if ($i == "seconds") skip = i }
           { row = ""; for (i = 1; i <= NF; i++) if (i != skip) row = row (row == "" ? "" : ",") $i; print row }' "$1/history.csv"
  grep -E '^Test accuracy' "$2" | sed -E 's/; training .*$//'
}

declare -A startup subset_epoch full_epoch subset_acc full_acc exe_size dir_size
for b in "${builds[@]}"; do
  [[ "${ok[$b]}" == 1 ]] || continue
  exe="$out/$b/FashionMnist"
  exe_size[$b]=$(stat -c %s "$exe")
  dir_size[$b]=$(du -sb --exclude=data "$out/$b" | cut -f1)
  echo ">> $b: start-up x$startup_runs, $subset_epochs epochs on the subset" >&2
  startup[$b]=$(for i in $(seq "$startup_runs"); do
    first_line "$exe" --data "$here/data" --epochs 1 --out "$out/runs/$b-startup"; echo; done | grep . | median)
  run="$out/runs/$b-subset"; rm -rf "$run"
  "$exe" --data "$here/data" --epochs "$subset_epochs" --out "$run" > "$out/logs/run-$b-subset.txt" 2>&1
  subset_epoch[$b]=$(epoch_seconds "$run")
  subset_acc[$b]=$(grep -oE '^Test accuracy [0-9.]+ ?%' "$out/logs/run-$b-subset.txt" | grep -oE '[0-9.]+ ?%')
  figures "$run" "$out/logs/run-$b-subset.txt" > "$out/logs/figures-$b-subset.txt"
  if [[ -f "$full_data/train-images-idx3-ubyte.gz" ]]; then
    echo ">> $b: $full_epochs epochs on the full set" >&2
    run="$out/runs/$b-full"; rm -rf "$run"
    "$exe" --data "$full_data" --epochs "$full_epochs" --out "$run" > "$out/logs/run-$b-full.txt" 2>&1
    full_epoch[$b]=$(epoch_seconds "$run")
    full_acc[$b]=$(grep -oE '^Test accuracy [0-9.]+ ?%' "$out/logs/run-$b-full.txt" | grep -oE '[0-9.]+ ?%')
    figures "$run" "$out/logs/run-$b-full.txt" > "$out/logs/figures-$b-full.txt"
  fi
done

# ---- report -----------------------------------------------------------------------------------------------------
cell() { local v="${2:-}"; if [[ "${ok[$1]}" != 1 ]]; then echo "publish failed"; elif [[ -z "$v" ]]; then echo "-"; else echo "$v"; fi; }
same_as_jit() {  # $1 build, $2 subset|full
  [[ "$1" == jit ]] && { echo "reference"; return; }
  [[ "${ok[$1]}" == 1 && "${ok[jit]}" == 1 && -f "$out/logs/figures-jit-$2.txt" ]] || { cell "$1" ""; return; }
  if cmp -s "$out/logs/figures-$1-$2.txt" "$out/logs/figures-jit-$2.txt"; then echo "identical to JIT"
  elif [[ "$1" == aotv2 ]]; then echo "differs from JIT in the last bits (no FMA), as expected"
  else echo "DIFFERENT (out/logs/figures-*-$2.txt)"; fi
}
{
  printf '| %s |' "$(uname -m), $(nproc) cores, .NET SDK $(dotnet --version)"; for b in "${builds[@]}"; do printf ' %s |' "${label[$b]}"; done; echo
  printf '| --- |'; for b in "${builds[@]}"; do printf ' --- |'; done; echo
  row() { local name="$1"; shift; printf '| %s |' "$name"; for b in "${builds[@]}"; do printf ' %s |' "$(cell "$b" "$("$@" "$b")")"; done; echo; }
  v_pub() { echo "${publish_seconds[$1]} s"; }
  v_exe() { [[ -n "${exe_size[$1]:-}" ]] && mib "${exe_size[$1]}"; }
  v_dir() { [[ -n "${dir_size[$1]:-}" ]] && mib "${dir_size[$1]}"; }
  v_start() { [[ -n "${startup[$1]:-}" ]] && echo "${startup[$1]} s"; }
  v_sub() { [[ -n "${subset_epoch[$1]:-}" ]] && echo "${subset_epoch[$1]} s"; }
  v_full() { [[ -n "${full_epoch[$1]:-}" ]] && echo "${full_epoch[$1]} s"; }
  v_subacc() { [[ -n "${subset_acc[$1]:-}" ]] && echo "${subset_acc[$1]}, $(same_as_jit "$1" subset)"; }
  v_fullacc() { [[ -n "${full_acc[$1]:-}" ]] && echo "${full_acc[$1]}, $(same_as_jit "$1" full)"; }
  printf '| publish time |'; for b in "${builds[@]}"; do printf ' %s |' "$(v_pub "$b")"; done; echo
  row "executable out/BUILD/FashionMnist (JIT, R2R: apphost)" v_exe
  row "publish folder without data/" v_dir
  row "start-up to first line, data loaded (median of $startup_runs)" v_start
  row "s/epoch, subset 10k/2k (median of $subset_epochs)" v_sub
  [[ -f "$full_data/train-images-idx3-ubyte.gz" ]] && row "s/epoch, full 60k/10k (median of $full_epochs)" v_full
  row "test accuracy, subset, seed 0" v_subacc
  [[ -f "$full_data/train-images-idx3-ubyte.gz" ]] && row "test accuracy, full set, seed 0" v_fullacc
  printf '| distinct publish warnings |'; for b in "${builds[@]}"; do printf ' %s |' "$(wc -l < "$out/logs/warnings-$b.txt" 2>/dev/null || echo -)"; done; echo
  for b in "${builds[@]}"; do
    [[ "${ok[$b]}" == 1 ]] && continue
    echo
    echo "${label[$b]}: publish failed (out/logs/publish-$b.log):"
    grep -E ': error ' "$out/logs/publish-$b.log" | sed -E -e 's/ \[[^]]*\]$//' -e 's#^.*/##' -e 's/^/    /' | sort -u | head -5
  done
} | tee "$out/results.md"
