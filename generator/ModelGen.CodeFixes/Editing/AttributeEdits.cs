using System.Collections.Generic;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Text;

namespace ModelGen.CodeFixes.Editing;

/// <summary>
/// The edits ModelGen's fixes make to attribute lists, as text changes that keep the user's layout: removing an
/// argument or an attribute takes its comma and spacing with it (and a line left empty), inserting an attribute
/// puts it on the same line. Each returns one change; <see cref="Apply"/> makes a document of several.
/// </summary>
internal static class AttributeEdits
{
    /// <summary>Removes <paramref name="argument"/>, with the comma that joins it, or the parentheses when it was the only one.</summary>
    public static TextChange RemoveArgument(AttributeArgumentSyntax argument)
    {
        var list = (AttributeArgumentListSyntax)argument.Parent!;
        SeparatedSyntaxList<AttributeArgumentSyntax> arguments = list.Arguments;
        int index = arguments.IndexOf(argument);
        if (arguments.Count == 1) return Delete(TextSpan.FromBounds(list.SpanStart, list.Span.End));
        // Not the last: up to the next argument (its comma and the space after it). The last: from the comma before it.
        return index < arguments.Count - 1
            ? Delete(TextSpan.FromBounds(argument.SpanStart, arguments[index + 1].SpanStart))
            : Delete(TextSpan.FromBounds(arguments.GetSeparator(index - 1).SpanStart, argument.Span.End));
    }

    /// <summary>Replaces an argument's value with the string literal <paramref name="value"/>.</summary>
    public static TextChange ReplaceValue(AttributeArgumentSyntax argument, string value) =>
        new(argument.Expression.Span, SymbolDisplay.FormatLiteral(value, quote: true));

    /// <summary>
    /// Removes <paramref name="attribute"/>: from its list with the comma that joins it, or the whole list when it is
    /// the only one there (the whole line when nothing else is on it, else the list and the spaces that follow it).
    /// </summary>
    public static TextChange RemoveAttribute(SourceText text, AttributeSyntax attribute)
    {
        var list = (AttributeListSyntax)attribute.Parent!;
        SeparatedSyntaxList<AttributeSyntax> attributes = list.Attributes;
        int index = attributes.IndexOf(attribute);
        if (attributes.Count > 1)
            return index < attributes.Count - 1
                ? Delete(TextSpan.FromBounds(attribute.SpanStart, attributes[index + 1].SpanStart))
                : Delete(TextSpan.FromBounds(attributes.GetSeparator(index - 1).SpanStart, attribute.Span.End));

        TextLine line = text.Lines.GetLineFromPosition(list.SpanStart);
        int start = list.SpanStart, end = list.Span.End;
        bool aloneBefore = IsBlank(text, line.Start, start);
        int after = SkipBlanks(text, end, line.End);
        if (aloneBefore && after == line.End && text.Lines.GetLineFromPosition(end).LineNumber == line.LineNumber)
            return Delete(line.SpanIncludingLineBreak);
        if (after < line.End) return Delete(TextSpan.FromBounds(start, after));
        // Last on its line after other code: take the spaces before it instead.
        int before = start;
        while (before > line.Start && IsBlank(text[before - 1])) before--;
        return Delete(TextSpan.FromBounds(before, end));
    }

    /// <summary>
    /// Inserts the attribute <paramref name="attributeText"/> (without brackets) just before <paramref name="target"/>:
    /// as a list of its own, <c>[New] [Target]</c>, when the target opens its list, else inside it, <c>[A, New, Target]</c>.
    /// </summary>
    public static TextChange InsertBefore(AttributeSyntax target, string attributeText)
    {
        var list = (AttributeListSyntax)target.Parent!;
        return list.Attributes.IndexOf(target) == 0 && list.Target is null
            ? new TextChange(new TextSpan(list.SpanStart, 0), "[" + attributeText + "] ")
            : new TextChange(new TextSpan(target.SpanStart, 0), attributeText + ", ");
    }

    /// <summary>The document with <paramref name="changes"/> (non-overlapping) applied.</summary>
    public static Document Apply(Document document, SourceText text, IEnumerable<TextChange> changes) =>
        document.WithText(text.WithChanges(changes.OrderBy(c => c.Span.Start)));

    private static TextChange Delete(TextSpan span) => new(span, string.Empty);

    private static bool IsBlank(char c) => c == ' ' || c == '\t';

    private static bool IsBlank(SourceText text, int start, int end)
    {
        for (int i = start; i < end; i++)
            if (!IsBlank(text[i])) return false;
        return true;
    }

    private static int SkipBlanks(SourceText text, int position, int end)
    {
        while (position < end && IsBlank(text[position])) position++;
        return position;
    }
}
