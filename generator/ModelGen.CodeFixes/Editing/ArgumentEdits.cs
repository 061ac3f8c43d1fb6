using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Text;

namespace ModelGen.CodeFixes.Editing;

/// <summary>Edits of one attribute's arguments that keep the rest of it as written: a value replaced, a named argument added.</summary>
internal static class ArgumentEdits
{
    /// <summary>Replaces the value of <paramref name="argument"/> with the expression <paramref name="expression"/>.</summary>
    public static TextChange ReplaceExpression(AttributeArgumentSyntax argument, string expression) =>
        new(argument.Expression.Span, expression);

    /// <summary>
    /// Adds <paramref name="argument"/> (such as <c>UseBias = false</c>) after the attribute's last argument, or as its
    /// only one: <c>[Dense(8)]</c> becomes <c>[Dense(8, UseBias = false)]</c>, <c>[Conv2D]</c> or <c>[Conv2D()]</c>
    /// <c>[Conv2D(UseBias = false)]</c>. A named argument may always come last.
    /// </summary>
    public static TextChange Append(AttributeSyntax attribute, string argument)
    {
        AttributeArgumentListSyntax? list = attribute.ArgumentList;
        if (list is null) return new TextChange(new TextSpan(attribute.Name.Span.End, 0), "(" + argument + ")");
        if (list.Arguments.Count == 0) return new TextChange(new TextSpan(list.CloseParenToken.SpanStart, 0), argument);
        return new TextChange(new TextSpan(list.Arguments[list.Arguments.Count - 1].Span.End, 0), ", " + argument);
    }
}
