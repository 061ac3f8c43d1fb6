#!/usr/bin/env bash
# A consumer outside the repository with a plain ProjectReference to src/ModelGen/ModelGen.csproj: without the
# README's <Import> line the build must fail with MG0900 (the generator did not run, and how to fix it) and nothing
# else; with the line it must build and train.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
cp "$here/Program.cs" "$work/"

write_project() {  # $1: extra lines inside <Project>
  cat > "$work/Consumer.csproj" <<PROJECT
<Project Sdk="Microsoft.NET.Sdk">
  <PropertyGroup>
    <OutputType>Exe</OutputType>
    <TargetFramework>net10.0</TargetFramework>
    <Nullable>enable</Nullable>
  </PropertyGroup>
  <ItemGroup>
    <ProjectReference Include="$root/src/ModelGen/ModelGen.csproj" />
  </ItemGroup>
$1
</Project>
PROJECT
}

write_project ""
if dotnet build "$work/Consumer.csproj" -c Release --nologo > "$work/missing.log" 2>&1; then
  echo "built without the generator, but MG0900 should have stopped it"; exit 1
fi
grep -q "error MG0900" "$work/missing.log" || { echo "expected error MG0900:"; cat "$work/missing.log"; exit 1; }
grep -q "ModelGen.ProjectReference.targets" "$work/missing.log" || { echo "MG0900 does not name the fix:"; cat "$work/missing.log"; exit 1; }
if grep -E "error CS(1061|0117)" "$work/missing.log"; then echo "follow-on CS errors beside MG0900"; exit 1; fi
echo "project-reference consumer without the Import: $(grep -c 'error MG0900' "$work/missing.log") MG0900 errors, no CS1061/CS0117"

write_project "  <Import Project=\"$root/src/ModelGen/ModelGen.ProjectReference.targets\" />"
dotnet build "$work/Consumer.csproj" -c Release --nologo -v quiet
dotnet "$work/bin/Release/net10.0/Consumer.dll"
