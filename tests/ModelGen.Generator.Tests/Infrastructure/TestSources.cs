using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.IO;
using System.Linq;
using System.Text;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Text;

namespace ModelGen.Generator.Tests.Infrastructure;

/// <summary>
/// A test source file whose markup marks spans with <c>[|</c> and <c>|]</c>, e.g. <c>[[|Dense(0)|]]</c>: the markers are
/// removed from <see cref="Text"/> and the spans they enclosed are kept, in order, in <see cref="Spans"/>.
/// </summary>
internal sealed class MarkedSource
{
    private const string Open = "[|", Close = "|]";

    private MarkedSource(string path, string text, ImmutableArray<TextSpan> spans)
    {
        Path = path;
        Text = text;
        Spans = spans;
    }

    public string Path { get; }
    public string Text { get; }
    public ImmutableArray<TextSpan> Spans { get; }

    public static MarkedSource Parse(string path, string markup)
    {
        var text = new StringBuilder();
        var spans = ImmutableArray.CreateBuilder<TextSpan>();
        int position = 0;
        while (true)
        {
            int open = markup.IndexOf(Open, position, StringComparison.Ordinal);
            if (open < 0) break;
            int close = markup.IndexOf(Close, open + Open.Length, StringComparison.Ordinal);
            if (close < 0) throw new ArgumentException($"Unclosed '{Open}' at {open} in {path}.", nameof(markup));
            text.Append(markup, position, open - position);
            int start = text.Length;
            string inner = markup.Substring(open + Open.Length, close - open - Open.Length);
            if (inner.Contains(Open, StringComparison.Ordinal))
                throw new ArgumentException($"Nested '{Open}' at {open} in {path}.", nameof(markup));
            text.Append(inner);
            spans.Add(TextSpan.FromBounds(start, text.Length));
            position = close + Close.Length;
        }
        text.Append(markup, position, markup.Length - position);
        return new MarkedSource(path, text.ToString(), spans.ToImmutable());
    }
}

/// <summary>In-memory compilations of user code that references the ModelGen runtime, as a user's project would.</summary>
internal static class TestSources
{
    /// <summary>Latest C#, and documentation comments checked (invalid XML docs or crefs in generated code are warnings).</summary>
    public static readonly CSharpParseOptions ParseOptions = CSharpParseOptions.Default
        .WithLanguageVersion(LanguageVersion.Latest)
        .WithDocumentationMode(DocumentationMode.Diagnose);

    /// <summary>A library with nullable enabled and every warning wave on.</summary>
    public static readonly CSharpCompilationOptions CompilationOptions = new(
        OutputKind.DynamicallyLinkedLibrary,
        nullableContextOptions: NullableContextOptions.Enable,
        warningLevel: 9999,
        deterministic: true);

    private static readonly Lazy<ImmutableArray<MetadataReference>> LazyReferences = new(LoadReferences);

    /// <summary>
    /// The framework assemblies of the running runtime (from TRUSTED_PLATFORM_ASSEMBLIES, keeping only those in the shared
    /// framework's folder, so that xunit, Roslyn and the generator itself stay out of the user's compilation) plus the
    /// ModelGen runtime, which holds the attributes and the kernels the generated code calls.
    /// </summary>
    public static ImmutableArray<MetadataReference> References => LazyReferences.Value;

    private static ImmutableArray<MetadataReference> LoadReferences()
    {
        string trusted = AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES") as string
            ?? throw new InvalidOperationException("TRUSTED_PLATFORM_ASSEMBLIES is not set.");
        string frameworkDirectory = Path.GetDirectoryName(typeof(object).Assembly.Location)!;
        IEnumerable<string> framework = trusted
            .Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Where(p => string.Equals(Path.GetDirectoryName(p), frameworkDirectory, StringComparison.Ordinal));
        return framework
            .Append(typeof(ModelAttribute).Assembly.Location)
            .Distinct(StringComparer.Ordinal)
            .OrderBy(p => p, StringComparer.Ordinal)
            .Select(p => (MetadataReference)MetadataReference.CreateFromFile(p))
            .ToImmutableArray();
    }

    public static SyntaxTree Parse(string text, string path) =>
        CSharpSyntaxTree.ParseText(text, ParseOptions, path, Encoding.UTF8);

    /// <summary>A compilation of <paramref name="sources"/> (named <c>/0/Test0.cs</c>, <c>/0/Test1.cs</c>, ...).</summary>
    public static CSharpCompilation Compile(params string[] sources) =>
        Compile(sources.Select((s, i) => Parse(s, FileName(i))));

    public static CSharpCompilation Compile(IEnumerable<SyntaxTree> trees) =>
        CSharpCompilation.Create("UserAssembly", trees, References, CompilationOptions);

    public static string FileName(int index) => $"/0/Test{index}.cs";
}
