#!/usr/bin/env bash
# The modelgen .NET tool as a user gets it: `dotnet pack tools/ModelGen.Tool` makes the tool package, `dotnet tool
# install --tool-path` installs it from the package folder, and the installed command imports a model (exit 0, both
# files written), rejects an unsupported one (exit 1, nothing written) and a truncated file (exit 3).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

echo "$(date +%T) packing"
dotnet pack "$root/tools/ModelGen.Tool" -c Release -o "$work/feed" --nologo -v quiet
package="$(ls "$work/feed"/ModelGen.Tool.*.nupkg)"
version="$(basename "$package" .nupkg)"; version="${version#ModelGen.Tool.}"
echo "packed $(basename "$package")"
listing="$(unzip -l "$package")"
for entry in DotnetToolSettings.xml ModelGen.Tool.dll ModelGen.Onnx.dll ModelGen.dll ModelGen.Generator.dll Microsoft.CodeAnalysis.CSharp.dll; do
  grep -q "tools/net10.0/any/$entry\$" <<< "$listing" || { echo "the tool package lacks tools/net10.0/any/$entry"; exit 1; }
done

# Its own package cache, so a stale copy of the same version is never used, and only the local folder as a source
# (the tool package carries all its dependencies).
export NUGET_PACKAGES="$work/packages"
cat > "$work/nuget.config" <<CONFIG
<?xml version="1.0" encoding="utf-8"?>
<configuration>
  <packageSources>
    <clear />
  </packageSources>
</configuration>
CONFIG
echo "$(date +%T) installing"
dotnet tool install --tool-path "$work/tools" --configfile "$work/nuget.config" --add-source "$work/feed" ModelGen.Tool --version "$version"
modelgen="$work/tools/modelgen"
"$modelgen" --version | grep -qx "modelgen $version" || { echo "modelgen --version does not say $version"; exit 1; }
"$modelgen" --help | grep -q "Exit codes:" || { echo "modelgen --help lists no exit codes"; exit 1; }

fixtures="$root/tests/ModelGen.Tool.Tests/Fixtures"
"$modelgen" import "$fixtures/resnet_opset17.onnx" --class SmallResNet --namespace Demo --output "$work/out"
test -s "$work/out/SmallResNet.cs" && test -s "$work/out/SmallResNet.safetensors" || { echo "the import wrote no files"; exit 1; }

status=0; "$modelgen" import "$fixtures/unsupported.onnx" --output "$work/rejected" 2> "$work/rejected.txt" || status=$?
[ "$status" = 1 ] || { echo "an unsupported model exited with $status, not 1"; exit 1; }
grep -q "/dil/Conv (Conv): dilations" "$work/rejected.txt" || { echo "the error does not name /dil/Conv"; cat "$work/rejected.txt"; exit 1; }
[ ! -e "$work/rejected" ] || { echo "files were written for a rejected model"; exit 1; }

head -c 700 "$fixtures/mlp_opset13.onnx" > "$work/truncated.onnx"
status=0; "$modelgen" import "$work/truncated.onnx" --output "$work/truncated" 2> /dev/null || status=$?
[ "$status" = 3 ] || { echo "a truncated file exited with $status, not 3"; exit 1; }
echo "modelgen $version: packed, installed with dotnet tool install, imported a model, rejected an unsupported and a truncated one"
