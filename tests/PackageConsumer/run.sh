#!/usr/bin/env bash
# Packs src/ModelGen, then builds and runs this consumer against the package from a local folder feed, with its own
# package cache so that a stale copy of the same version can never be used. Also checks that the analyzer inside the
# package reports diagnostics.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

dotnet pack "$root/src/ModelGen" -c Release -o "$work/feed" --nologo -v quiet
package="$(ls "$work/feed"/ModelGen.*.nupkg)"
version="$(basename "$package" .nupkg)"; version="${version#ModelGen.}"
echo "packed $(basename "$package")"
# The listing is read whole first: with pipefail, grep -q closing the pipe early made unzip die of SIGPIPE and the
# check fail at random.
listing="$(unzip -l "$package")"
for entry in lib/net10.0/ModelGen.dll analyzers/dotnet/cs/ModelGen.Generator.dll analyzers/dotnet/cs/ModelGen.CodeFixes.dll \
             README.md LICENSE build/ModelGen.targets build/ModelGen.Aot.targets buildTransitive/ModelGen.targets; do
  grep -q " $entry\$" <<< "$listing" || { echo "package lacks $entry"; exit 1; }
done

# The consumer builds from a copy outside the repository, so nothing of the repository's build setup leaks in.
cp "$here/PackageConsumer.csproj" "$here/Program.cs" "$work/"
cat > "$work/nuget.config" <<CONFIG
<?xml version="1.0" encoding="utf-8"?>
<configuration>
  <packageSources>
    <clear />
    <add key="local" value="$work/feed" />
  </packageSources>
</configuration>
CONFIG
common=(-p:ModelGenVersion="$version" --packages "$work/packages" --nologo)
dotnet build "$work/PackageConsumer.csproj" -c Release "${common[@]}" -v quiet
dotnet "$work/bin/Release/net10.0/PackageConsumer.dll"

# The package's build/ModelGen.Aot.targets: a Native AOT publish for x64 gets x86-64-v3 (AVX2 and FMA) unless the
# project chose an instruction set or opted out. The targets decide in a target just before the AOT compiler's
# response file is written; here that target alone runs, and the property is read after it (no publish needed).
aot_instruction_set() {
  local rid=(); [[ -n "$1" ]] && rid=(-p:RuntimeIdentifier="$1")
  dotnet msbuild "$work/PackageConsumer.csproj" -target:_ModelGenAotInstructionSet -getProperty:IlcInstructionSet \
    -p:ModelGenVersion="$version" -p:PublishAot=true "${rid[@]}" "${@:2}"
}
expect_instruction_set() {  # expected, then the arguments of aot_instruction_set
  local got; got="$(aot_instruction_set "${@:2}")"
  [[ "$got" == "$1" ]] || { echo "PublishAot ${*:2}: IlcInstructionSet is '$got', expected '$1'"; exit 1; }
}
expect_instruction_set x86-64-v3 linux-x64
expect_instruction_set native linux-x64 -p:IlcInstructionSet=native
expect_instruction_set "" linux-x64 -p:ModelGenAotInstructionSet=default
expect_instruction_set "" linux-arm64
# No runtime identifier given: the SDK infers this machine's for PublishAot, after the project file is read.
[[ "$(uname -m)" != x86_64 ]] || expect_instruction_set x86-64-v3 "" -p:_IsPublishing=true   # as dotnet publish sets
echo "package consumer: Native AOT for x64 gets IlcInstructionSet=x86-64-v3 (kept when set, opt-out honoured)"

# The analyzer must report MG0007 on the broken model (and the build must fail).
if dotnet build "$work/PackageConsumer.csproj" -c Release "${common[@]}" -p:DefineConstants=BROKEN_MODEL -o "$work/broken" > "$work/broken.log" 2>&1; then
  echo "the broken model built, but MG0007 should have stopped it"; exit 1
fi
grep -q "error MG0007" "$work/broken.log" || { echo "expected error MG0007:"; cat "$work/broken.log"; exit 1; }
echo "package consumer: MG0007 reported from the packaged analyzer"
