#!/usr/bin/env bash
# Two revisions of ModelGen timed against each other in one process, in alternating slices of a tenth of a second
# (tests/ModelGen.Benchmarks --ab): on a machine whose speed drifts within minutes, the way to see a change of a few
# percent. Usage, from the repository root:
#   bash bench/ab.sh REV_A REV_B CASE MODE [ROUNDS]     e.g.  bash bench/ab.sh HEAD~1 . lenet b64 60
# REV_A and REV_B are git revisions, or "." for the working tree; CASE is xor, mlp128, mlp512, mlp1024 or lenet; MODE is
# step, b1 or b64, or conv1-fwd, conv1-bwd, conv2-fwd or conv2-bwd (one of LeNet's convolutions at batch 64 on one
# thread; give lenet as the CASE); ROUNDS defaults to 40. Prints both times per call and the median of the per-round ratios A/B with
# its quartiles (above 1: B is faster). The process is B's build, which has shown a bias of a few percent in B's favour
# on some cases (the same change 1.042 one way and 1.038 the other way round): run a change both ways round (swap REV_A
# and REV_B) and count it only when both orders agree.
set -euo pipefail
cd "$(dirname "$0")/.."
[[ $# -ge 4 ]] || { sed -n '2,11p' "$0"; exit 2; }
rev_a=$1 rev_b=$2 case=$3 mode=$4 rounds=${5:-40}
tmp="$(mktemp -d)"
trap 'for w in "$tmp"/*/; do git worktree remove --force "$w" > /dev/null 2>&1 || true; done; rm -rf "$tmp"' EXIT

# The build output directory of revision $1 (built in a worktree of its own unless it is ".").
build() {
  local src=. out
  if [[ "$1" != "." ]]; then
    src="$tmp/$2"
    git worktree add --detach --force "$src" "$1" > /dev/null
  fi
  out="$tmp/$2-bin"
  dotnet build -c Release "$src/tests/ModelGen.Benchmarks" -o "$out" --nologo -v q > "$tmp/$2-build.log" 2>&1 \
    || { cat "$tmp/$2-build.log"; exit 1; }
  echo "$out"
}
a="$(build "$rev_a" a)"
b="$(build "$rev_b" b)"
echo "A = $rev_a, B = $rev_b (\".\": the working tree)"
dotnet "$b/ModelGen.Benchmarks.dll" --ab "$a" "$b" --case "$case" --mode "$mode" --rounds "$rounds"
