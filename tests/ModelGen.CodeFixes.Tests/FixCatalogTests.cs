using System;
using System.Collections.Generic;
using System.Composition;
using System.IO;
using System.Linq;
using System.Reflection;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeFixes;
using ModelGen.Generator;
using Xunit;

namespace ModelGen.CodeFixes.Tests;

/// <summary>
/// What every fix needs to reach the IDE: an export (the IDE finds code fixes through MEF), an ID that ModelGen's
/// analyzer reports, a test class of its own, and a line in the README's "Code fixes" section.
/// </summary>
public class FixCatalogTests
{
    public static IEnumerable<object[]> Fixes() =>
        typeof(ModelGenCodeFix).Assembly.GetTypes()
            .Where(t => typeof(CodeFixProvider).IsAssignableFrom(t) && !t.IsAbstract)
            .OrderBy(t => t.Name, StringComparer.Ordinal)
            .Select(t => new object[] { t.Name });

    private static Type FixType(string name) => typeof(ModelGenCodeFix).Assembly.GetTypes().Single(t => t.Name == name);

    [Fact]
    public void TheFirstFixesAreThere()
    {
        string[] names = Fixes().Select(f => (string)f[0]).ToArray();
        Assert.Subset(names.ToHashSet(), new HashSet<string> { "ClosestLayerNameFix", "DefaultInitializerFix", "InsertFlattenFix", "RemoveSoftmaxFix" });
    }

    [Theory]
    [MemberData(nameof(Fixes))]
    public void IsExportedForCSharpAndShared(string name)
    {
        Type type = FixType(name);
        ExportCodeFixProviderAttribute export = Assert.Single(type.GetCustomAttributes<ExportCodeFixProviderAttribute>());
        Assert.Equal(new[] { LanguageNames.CSharp }, export.Languages);
        Assert.Equal(name, export.Name);
        Assert.NotNull(type.GetCustomAttribute<SharedAttribute>());
        Assert.True(type.IsPublic && type.IsSealed, $"{name} must be public and sealed.");
    }

    [Theory]
    [MemberData(nameof(Fixes))]
    public void FixesAnIdTheAnalyzerReports(string name)
    {
        var fix = (CodeFixProvider)Activator.CreateInstance(FixType(name))!;
        string id = Assert.Single(fix.FixableDiagnosticIds);
        Assert.Contains(id, new ModelAnalyzer().SupportedDiagnostics.Select(d => d.Id));
        Assert.NotNull(fix.GetFixAllProvider());
    }

    [Theory]
    [MemberData(nameof(Fixes))]
    public void HasATestClass(string name)
    {
        Assert.Contains(typeof(FixCatalogTests).Assembly.GetTypes(), t => t.Name == name + "Tests");
    }

    [Theory]
    [MemberData(nameof(Fixes))]
    public void IsListedInTheReadme(string name)
    {
        var fix = (CodeFixProvider)Activator.CreateInstance(FixType(name))!;
        string id = fix.FixableDiagnosticIds.Single();
        string section = ReadmeSection("### Code fixes");
        Assert.True(section.Contains($"[{id}](#{id.ToLowerInvariant()})", StringComparison.Ordinal),
            $"The README's \"### Code fixes\" section has no line for {id} ({name}).");
    }

    /// <summary>The README's section under <paramref name="heading"/>, up to the next heading.</summary>
    private static string ReadmeSection(string heading)
    {
        string? directory = AppContext.BaseDirectory;
        while (directory is not null && !File.Exists(Path.Combine(directory, "README.md")))
            directory = Path.GetDirectoryName(directory);
        Assert.NotNull(directory);
        string readme = File.ReadAllText(Path.Combine(directory!, "README.md"));
        int start = readme.IndexOf("\n" + heading + "\n", StringComparison.Ordinal);
        Assert.True(start >= 0, $"The README has no \"{heading}\" section.");
        int end = readme.IndexOf("\n#", start + heading.Length + 2, StringComparison.Ordinal);
        return end < 0 ? readme.Substring(start) : readme.Substring(start, end - start);
    }
}
