#!/usr/bin/env bash
# Records the runtime library's public API in PublicAPI.Unshipped.txt after an intended change: builds with the public
# API analyzer's findings as warnings, adds every symbol it reports as undeclared (RS0016) and removes every declared
# symbol it reports as gone (RS0017). Review the diff of the .txt files before committing it.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
log="$(mktemp)"
trap 'rm -f "$log"' EXIT
dotnet build "$here/ModelGen.csproj" --no-incremental -p:TreatWarningsAsErrors=false -p:WarningsAsErrors= -v quiet > "$log" 2>&1 || true
python3 - "$here" "$log" <<'PY'
import re, sys
here, log = sys.argv[1], sys.argv[2]
text = open(log, encoding="utf-8").read()
added = set(re.findall(r"warning RS0016: Symbol '(.*?)' is not part of the declared public API", text))
removed = set(re.findall(r"warning RS0017: Symbol '(.*?)' is part of the declared API, but is either not public or could not be found", text))
path = f"{here}/PublicAPI.Unshipped.txt"
lines = [l.rstrip("\n") for l in open(path, encoding="utf-8")]
header = [l for l in lines if l.startswith("#")] or ["#nullable enable"]
body = {l for l in lines if l and not l.startswith("#")}
body = (body - removed) | added
open(path, "w", encoding="utf-8").write("\n".join(header + sorted(body, key=str.casefold)) + "\n")
shipped = f"{here}/PublicAPI.Shipped.txt"
slines = [l.rstrip("\n") for l in open(shipped, encoding="utf-8")]
gone = [l for l in slines if l in removed]
if gone:
    print(f"{len(gone)} shipped symbols are gone (a breaking change); mark them *REMOVED* in PublicAPI.Shipped.txt by hand:")
    for l in gone: print("  " + l)
print(f"PublicAPI.Unshipped.txt: {len(added)} added, {len(removed & set(lines))} removed, {len(body)} symbols")
PY
