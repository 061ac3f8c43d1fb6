using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Text;
using Xunit.Sdk;

namespace ModelGen.Generator.Tests.Infrastructure;

/// <summary>
/// Mapperly-style diagnostic assertions: each <see cref="Has(string, DiagnosticSeverity, int, string?)"/> consumes one
/// matching diagnostic, and <see cref="AndNoOther"/> fails when any diagnostic (compiler, generator or analyzer, of any
/// severity) was left unasserted.
/// </summary>
internal sealed class DiagnosticAssertions
{
    private readonly ModelGenRun _run;
    private readonly List<Diagnostic> _unasserted;

    public DiagnosticAssertions(ModelGenRun run)
    {
        _run = run;
        _unasserted = run.Diagnostics.ToList();
    }

    /// <summary>Asserts a diagnostic at the <paramref name="span"/>th marked span.</summary>
    public DiagnosticAssertions Has(string id, DiagnosticSeverity severity, int span, string? messageContains = null)
    {
        (string path, TextSpan textSpan) = _run.Span(span);
        return Has(id, severity, path, textSpan, messageContains);
    }

    public DiagnosticAssertions Has(string id, DiagnosticSeverity severity, string path, TextSpan span, string? messageContains = null)
    {
        List<Diagnostic> candidates = _unasserted.Where(d =>
            d.Id == id && d.Location.IsInSource && d.Location.SourceTree!.FilePath == path && d.Location.SourceSpan == span).ToList();
        // Several diagnostics of one ID may sit on one attribute (one per bad hyperparameter): take the one whose message fits.
        Diagnostic? match = candidates.FirstOrDefault(d => messageContains is null || d.GetMessage(CultureInfo.InvariantCulture).Contains(messageContains, StringComparison.Ordinal))
            ?? candidates.FirstOrDefault();
        if (match is null)
        {
            string text = _run.Files.FirstOrDefault(f => f.Path == path)?.Text is { } t && span.End <= t.Length
                ? t.Substring(span.Start, span.Length) : "?";
            throw new XunitException($"Expected {id} at {path}{span} '{text}', but it was not reported there.{Environment.NewLine}{List("Unasserted diagnostics", _unasserted)}");
        }
        if (match.Severity != severity)
            throw new XunitException($"Expected {id} as {severity}, but it is {match.Severity}: {ModelGenRun.Describe(match)}");
        if (match.DefaultSeverity != severity)
            throw new XunitException($"Expected {id}'s default severity to be {severity}, but it is {match.DefaultSeverity}.");
        string message = match.GetMessage(CultureInfo.InvariantCulture);
        if (messageContains is not null && !message.Contains(messageContains, StringComparison.Ordinal))
            throw new XunitException($"Expected the message of {id} to contain \"{messageContains}\", but it is: {message}");
        if (id.StartsWith("MG", StringComparison.Ordinal))
        {
            if (match.Descriptor.HelpLinkUri != ModelGen.Generator.Diagnostics.DiagnosticDescriptors.HelpBase + id.ToLowerInvariant())
                throw new XunitException($"{id} has the help link '{match.Descriptor.HelpLinkUri}'.");
            if (message.Contains("{", StringComparison.Ordinal))
                throw new XunitException($"{id}'s message has an unfilled placeholder: {message}");
        }
        _unasserted.Remove(match);
        return this;
    }

    /// <summary>Fails when a diagnostic was reported that no <c>Has</c> asserted.</summary>
    public void AndNoOther()
    {
        if (_unasserted.Count > 0)
            throw new XunitException(List("Diagnostics that no assertion expected", _unasserted));
    }

    /// <summary>
    /// Like <see cref="AndNoOther"/>, but lets ModelGen's suggestions (MG diagnostics of Info severity) pass: for tests
    /// of the generated code, whose declarations may legitimately draw a suggestion (a bias before batch norm, ...).
    /// </summary>
    public void AndNoOtherThanSuggestions()
    {
        _unasserted.RemoveAll(d => d.Severity == DiagnosticSeverity.Info && d.Id.StartsWith("MG", StringComparison.Ordinal));
        AndNoOther();
    }

    private static string List(string title, IReadOnlyCollection<Diagnostic> diagnostics) =>
        diagnostics.Count == 0
            ? $"{title}: none."
            : $"{title}:{Environment.NewLine}" + string.Join(Environment.NewLine, diagnostics.Select(d => "  " + ModelGenRun.Describe(d)));
}
