#!/usr/bin/env bash
# Accepts the snapshots that the last test run wrote: renames every *.received.<ext> under tests/ to *.verified.<ext>.
# Run it only after reading the received files (or the diff the failing test printed). It is an explicit step that
# CI never takes: under CI=true it refuses.
set -euo pipefail

if [ "${CI:-}" = "true" ]; then
    echo "accept-snapshots.sh: refusing to accept snapshots in CI; accept them locally and commit the verified files." >&2
    exit 1
fi

root="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
count=0
while IFS= read -r -d '' received; do
    verified="${received/.received./.verified.}"
    mv -f -- "$received" "$verified"
    echo "accepted ${verified#"$root"/}"
    count=$((count + 1))
done < <(find "$root" -type f -name '*.received.*' -not -path '*/bin/*' -not -path '*/obj/*' -print0)

if [ "$count" -eq 0 ]; then
    echo "accept-snapshots.sh: no received snapshots to accept."
fi
