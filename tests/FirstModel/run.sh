#!/usr/bin/env bash
# Follows the README's "Your first model" walk-through as a new user would, from an empty folder: the shell commands
# and Program.cs are taken from the README itself (between its first-model markers), so the page and this test cannot
# drift apart. The package comes from a fresh pack in a local feed, with a private package cache.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

# The README's blocks: the shell steps and the program.
python3 - "$root/README.md" "$work" <<'PY'
import re, sys
readme, work = sys.argv[1], sys.argv[2]
text = open(readme, encoding="utf-8").read()
def block(marker, lang):
    m = re.search(r"<!-- first-model:" + marker + r" -->\s*```" + lang + r"\n(.*?)```", text, re.S)
    if not m: sys.exit(f"README.md has no ```{lang} block after <!-- first-model:{marker} -->")
    return m.group(1)
open(f"{work}/steps.sh", "w").write(block("steps", "sh"))
open(f"{work}/Program.cs", "w").write(block("program", "csharp"))
PY

# The walk-through's feed is ~/modelgen-feed; here a fresh pack goes to a private one, with a private package cache,
# so that no cached older package can stand in for this one.
feed="$work/feed"
dotnet pack "$root/src/ModelGen" -c Release -o "$feed" --nologo -v quiet
export NUGET_PACKAGES="$work/packages"
sed -i "s#~/modelgen-feed#$feed#g" "$work/steps.sh"
cd "$work"
# The steps: create the project and add the package (they end before Program.cs is written).
bash -euo pipefail steps.sh
cp "$work/Program.cs" "$work/FirstModel/Program.cs"
cd FirstModel
dotnet run -c Release | tee "$work/output.txt"
grep -q "test accuracy" "$work/output.txt" || { echo "the walk-through's program did not report its test accuracy"; exit 1; }
