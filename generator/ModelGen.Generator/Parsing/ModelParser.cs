using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Text;
using ModelGen.Generator.Diagnostics;
using ModelGen.Generator.Layers;
using ModelGen.Generator.Model;

namespace ModelGen.Generator.Parsing;

/// <summary>
/// Reads a [Model] class's symbol into a <see cref="ModelSpec"/>. It only records what the declaration says (with
/// PyTorch's defaults for what it leaves out) and the problems of the declaration itself (not partial, attributes on
/// several declarations, duplicates); whether the layers fit together is <see cref="Graph.ShapeInference"/>'s job.
/// Shared by the generator and the analyzer, so both always agree.
/// </summary>
internal static class ModelParser
{
    public const string Namespace = "ModelGen";
    public const string ModelAttributeName = "ModelGen.ModelAttribute";

    private static readonly Dictionary<string, OptimizerKind> OptimizerAttributes = new()
    {
        ["SgdAttribute"] = OptimizerKind.Sgd,
        ["AdamAttribute"] = OptimizerKind.Adam,
        ["AdamWAttribute"] = OptimizerKind.AdamW,
        ["RmsPropAttribute"] = OptimizerKind.RmsProp,
        ["AdaGradAttribute"] = OptimizerKind.AdaGrad,
        ["AdaDeltaAttribute"] = OptimizerKind.AdaDelta,
        ["AdamaxAttribute"] = OptimizerKind.Adamax,
        ["NAdamAttribute"] = OptimizerKind.NAdam,
    };

    private static readonly HashSet<string> OtherAttributes = new()
    {
        "ModelAttribute", "InputAttribute", "LossAttribute", "GradientClippingAttribute",
    };

    /// <summary>
    /// The ModelGen attributes of <paramref name="type"/> in source order: first those on the declaration that carries
    /// [Model], then those on other partial declarations. A problem's ordinal indexes this list.
    /// </summary>
    public static IReadOnlyList<AttributeData> OrderedAttributes(INamedTypeSymbol type, CancellationToken cancellationToken)
    {
        var declarations = type.DeclaringSyntaxReferences.Select(r => r.GetSyntax(cancellationToken)).ToList();
        var mine = type.GetAttributes().Where(IsModelGenAttribute).ToList();
        SyntaxNode? primary = mine.Where(a => a.AttributeClass!.Name == "ModelAttribute").Select(a => DeclarationOf(a, cancellationToken)).FirstOrDefault();
        return mine
            .Select(a => (Attribute: a, Declaration: DeclarationOf(a, cancellationToken), Position: a.ApplicationSyntaxReference?.Span.Start ?? 0))
            .OrderBy(x => x.Declaration == primary ? 0 : 1)
            .ThenBy(x => x.Declaration is null ? int.MaxValue : declarations.IndexOf(x.Declaration))
            .ThenBy(x => x.Position)
            .Select(x => x.Attribute)
            .ToList();
    }

    /// <summary>Parses the [Model] class <paramref name="type"/>.</summary>
    /// <param name="compilation">
    /// The compilation, to see the C# compiler's own errors inside ModelGen attributes (a decimal where a double belongs,
    /// an int for an enum, a second [Model], [Model] on an enum): the model is then left to the compiler's message.
    /// </param>
    public static ModelSpec Parse(INamedTypeSymbol type, CancellationToken cancellationToken, Compilation? compilation = null)
    {
        IReadOnlyList<AttributeData> attributes = OrderedAttributes(type, cancellationToken);
        var compilerErrors = new CompilerErrors(compilation, attributes);
        var problems = new List<Problem>();
        string typeName = type.Name;

        int modelOrdinal = 0;
        for (int i = 0; i < attributes.Count; i++)
            if (attributes[i].AttributeClass!.Name == "ModelAttribute") { modelOrdinal = i; break; }

        TypeSpec typeSpec = ReadType(type, modelOrdinal, problems, cancellationToken);

        int batchSize = 32, seed = 0, threads = 0;
        PrecisionKind precision = PrecisionKind.Single;
        InputSpec? input = null;
        var layers = new List<LayerSpec>();
        LossSpec? loss = null;
        OptimizerSpec? optimizer = null;
        ClippingSpec? clipping = null;
        bool hasErrors = false;
        SyntaxNode? primary = attributes.Count > 0 ? DeclarationOf(attributes[modelOrdinal], cancellationToken) : null;

        for (int ordinal = 0; ordinal < attributes.Count; ordinal++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            AttributeData attribute = attributes[ordinal];
            string name = attribute.AttributeClass!.Name;
            string shortName = ShortName(name);

            // The C# compiler already reports a malformed attribute (an argument of the wrong type, no matching
            // constructor); the model is then left alone, so the user sees only the compiler's message. (An unknown
            // named argument is dropped by Roslyn before we see it; the compiler's error still fails the build.)
            if (attribute.AttributeConstructor is null || attribute.ConstructorArguments.Any(a => a.Kind == TypedConstantKind.Error)
                || attribute.NamedArguments.Any(a => a.Value.Kind == TypedConstantKind.Error)
                || compilerErrors.Within(attribute, cancellationToken))
            {
                hasErrors = true;
                continue;
            }

            if (ordinal != modelOrdinal && primary is not null && DeclarationOf(attribute, cancellationToken) != primary)
                problems.Add(Problem.Create(DiagnosticDescriptors.SeveralDeclarationsId, ordinal, shortName, typeName));

            var reader = new ArgumentReader(attribute);
            if (name == "ModelAttribute")
            {
                batchSize = reader.Named("BatchSize", 32);
                seed = reader.Named("Seed", 0);
                threads = reader.Named("Threads", 0);
                precision = (PrecisionKind)reader.Named("Precision", 0);
            }
            else if (name == "InputAttribute")
            {
                if (input is not null)
                    problems.Add(Problem.Create(DiagnosticDescriptors.DuplicateAttributeId, ordinal, "Input", typeName));
                else
                    input = new InputSpec(ordinal, reader.IntArray(0).ToEquatableArray());
            }
            else if (name == "LossAttribute")
            {
                if (loss is not null)
                    problems.Add(Problem.Create(DiagnosticDescriptors.DuplicateAttributeId, ordinal, "Loss", typeName));
                else
                    loss = new LossSpec(ordinal, (LossKind)reader.Positional(0, 0))
                    {
                        Delta = reader.NamedDouble("Delta"),
                        LabelSmoothing = reader.NamedDouble("LabelSmoothing"),
                    };
            }
            else if (name == "GradientClippingAttribute")
            {
                if (clipping is not null)
                    problems.Add(Problem.Create(DiagnosticDescriptors.DuplicateAttributeId, ordinal, "GradientClipping", typeName));
                else
                    clipping = new ClippingSpec(ordinal, reader.Named("MaxNorm", 0.0), reader.Named("MaxValue", 0.0));
            }
            else if (OptimizerAttributes.TryGetValue(name, out OptimizerKind optimizerKind))
            {
                if (optimizer is not null)
                    problems.Add(Problem.Create(DiagnosticDescriptors.MultipleOptimizersId, ordinal, typeName, ShortName(optimizer.Kind + "Attribute"), shortName));
                else
                    optimizer = ReadOptimizer(optimizerKind, ordinal, reader);
            }
            else if (LayerModules.TryGetByAttribute(name, out LayerModule module))
            {
                // Name and From belong to every layer; the rest is the kind's own.
                var layer = new LayerSpec(module.Kind, ordinal) { Name = reader.NamedString("Name"), From = reader.NamedString("From") };
                layers.Add(module.Read(layer, reader));
            }
        }

        if (input is not null && layers.Count > 0 && input.Ordinal > layers[0].Ordinal)
            problems.Add(Problem.Create(DiagnosticDescriptors.InputAfterLayersId, input.Ordinal, typeName));

        // A class or namespace without a name is the compiler's error recovery: the compiler has reported it.
        if (typeName.Length == 0 || typeSpec.ContainingTypes.Any(t => t.Name.Length == 0)
            || (typeSpec.Namespace is not null && typeSpec.Namespace.Split('.').Any(part => part.Length == 0)))
            hasErrors = true;

        return new ModelSpec(typeSpec, modelOrdinal, batchSize, seed, precision, input, layers.ToEquatableArray(), loss,
            optimizer, clipping, problems.ToEquatableArray()) { HasCompilerErrors = hasErrors, Threads = threads };
    }

    /// <summary>
    /// The C# compiler's errors inside the model's attributes, asked for once per file: one span from the first attribute
    /// to the last. (Asking per attribute cost about as much as the rest of the parse again for every model, on every
    /// keystroke, because each question builds a new semantic model and binds far beyond the attribute.)
    /// </summary>
    private sealed class CompilerErrors(Compilation? compilation, IReadOnlyList<AttributeData> attributes)
    {
        private readonly Dictionary<SyntaxTree, Diagnostic[]> _byTree = new();

        private bool? _wellFormed;

        /// <summary>Whether an error lies within <paramref name="attribute"/>'s syntax (its arguments included).</summary>
        public bool Within(AttributeData attribute, CancellationToken cancellationToken)
        {
            if (compilation is null || attribute.ApplicationSyntaxReference is not { } reference) return false;
            _wellFormed ??= AllLookWellFormed(cancellationToken);
            if (_wellFormed.Value) return false;
            if (!_byTree.TryGetValue(reference.SyntaxTree, out Diagnostic[]? errors))
            {
                errors = Compute(reference.SyntaxTree, cancellationToken);
                _byTree.Add(reference.SyntaxTree, errors);
            }
            return errors.Any(e => e.Location.SourceSpan.IntersectsWith(reference.Span));
        }

        /// <summary>
        /// A cheap screen that spares the compiler's question (most of the parse's cost on every keystroke) for
        /// declarations that cannot hold a compiler error inside their attributes: no syntax error, a constructor bound,
        /// every argument's value of the parameter's or property's own type, every named argument the syntax has kept
        /// and none twice, no attribute given twice, on a class. Anything else asks the compiler.
        /// </summary>
        private bool AllLookWellFormed(CancellationToken cancellationToken)
        {
            var seen = new HashSet<string>(StringComparer.Ordinal);
            foreach (AttributeData attribute in attributes)
            {
                if (attribute.AttributeClass is not { } type || attribute.AttributeConstructor is not { } constructor) return false;
                if (!seen.Add(type.ToDisplayString()) && !AllowsMultiple(type)) return false;
                // A syntax error may belong to the attribute list rather than to any attribute in it (a missing comma
                // between two attributes: [Dense(4) Dense(5)]).
                if (attribute.ApplicationSyntaxReference?.GetSyntax(cancellationToken) is not AttributeSyntax syntax || syntax.ContainsDiagnostics
                    || syntax.Parent is AttributeListSyntax { ContainsDiagnostics: true })
                    return false;
                if (syntax.Parent?.Parent is not ClassDeclarationSyntax) return false;
                int named = 0, positional = 0;
                foreach (AttributeArgumentSyntax argument in syntax.ArgumentList?.Arguments ?? default)
                {
                    if (argument.NameColon is not null) return false;
                    if (argument.NameEquals is null && named > 0) return false;
                    ITypeSymbol? target = argument.NameEquals is { } name
                        ? MemberType(type, name.Name.Identifier.ValueText)
                        : positional < constructor.Parameters.Length ? constructor.Parameters[positional].Type
                        : constructor.Parameters.Length > 0 && constructor.Parameters[constructor.Parameters.Length - 1].IsParams ? constructor.Parameters[constructor.Parameters.Length - 1].Type : null;
                    if (argument.NameEquals is not null) named++;
                    else positional++;
                    if (target is null || !Fits(argument.Expression, target)) return false;
                }
                if (named != attribute.NamedArguments.Length) return false;
                for (int i = 0; i < attribute.ConstructorArguments.Length; i++)
                    if (i >= constructor.Parameters.Length || !OfType(attribute.ConstructorArguments[i], constructor.Parameters[i].Type)) return false;
                var names = new HashSet<string>(StringComparer.Ordinal);
                foreach (KeyValuePair<string, TypedConstant> argument in attribute.NamedArguments)
                    if (!names.Add(argument.Key) || MemberType(type, argument.Key) is not { } memberType || !OfType(argument.Value, memberType))
                        return false;
            }
            return true;
        }

        /// <summary>
        /// Whether an argument is one of the plain forms whose value the attribute data holds as written: a numeric
        /// literal (signed or not) that converts implicitly to the target, a string literal or null for a string, true or
        /// false for a bool, <c>Enum.Member</c> of the target enum, or an array of those. Anything else (a constant, a
        /// cast, parentheses, an expression) is left to the compiler's own question: where a conversion fails the
        /// compiler still keeps a converted value in the attribute data (<c>LearningRate = (0.1m)</c> reads as 0.1).
        /// </summary>
        private static bool Fits(ExpressionSyntax expression, ITypeSymbol target)
        {
            switch (expression)
            {
                case ArrayCreationExpressionSyntax { Initializer: { } initializer }:
                    return target is IArrayTypeSymbol array && initializer.Expressions.All(e => Fits(e, array.ElementType));
                case ImplicitArrayCreationExpressionSyntax { Initializer: { } implicitInitializer }:
                    return target is IArrayTypeSymbol implicitArray && implicitInitializer.Expressions.All(e => Fits(e, implicitArray.ElementType));
                case CollectionExpressionSyntax collection:
                    return target is IArrayTypeSymbol collectionArray
                        && collection.Elements.All(e => e is ExpressionElementSyntax element && Fits(element.Expression, collectionArray.ElementType));
            }
            if (target is IArrayTypeSymbol paramsArray) target = paramsArray.ElementType;   // one value of a params array
            if (expression.IsKind(SyntaxKind.StringLiteralExpression)) return target.SpecialType == SpecialType.System_String;
            if (expression.IsKind(SyntaxKind.NullLiteralExpression)) return target.SpecialType == SpecialType.System_String;
            if (expression.IsKind(SyntaxKind.TrueLiteralExpression) || expression.IsKind(SyntaxKind.FalseLiteralExpression))
                return target.SpecialType == SpecialType.System_Boolean;
            if (expression is MemberAccessExpressionSyntax { Name: IdentifierNameSyntax } member && target.TypeKind == TypeKind.Enum)
                return member.Expression switch
                {
                    IdentifierNameSyntax name => name.Identifier.ValueText == target.Name,
                    MemberAccessExpressionSyntax qualified => qualified.Name.Identifier.ValueText == target.Name,
                    _ => false,
                };
            ExpressionSyntax operand = expression is PrefixUnaryExpressionSyntax unary
                && (unary.IsKind(SyntaxKind.UnaryMinusExpression) || unary.IsKind(SyntaxKind.UnaryPlusExpression)) ? unary.Operand : expression;
            if (operand is not LiteralExpressionSyntax { Token.Value: { } value } literal || !literal.IsKind(SyntaxKind.NumericLiteralExpression))
                return false;
            SpecialType to = target.SpecialType;
            return value switch
            {
                decimal => to == SpecialType.System_Decimal,
                double => to == SpecialType.System_Double,
                float => to is SpecialType.System_Single or SpecialType.System_Double,
                int => to is SpecialType.System_Int32 or SpecialType.System_Int64 or SpecialType.System_Single or SpecialType.System_Double,
                _ => false,
            };
        }

        private static bool OfType(TypedConstant value, ITypeSymbol type) =>
            value.Kind != TypedConstantKind.Error
            && (value.Kind == TypedConstantKind.Array
                ? type is IArrayTypeSymbol
                : SymbolEqualityComparer.Default.Equals(value.Type, type));

        /// <summary>Whether the attribute class's <c>[AttributeUsage]</c> (its own or inherited) allows it more than once.</summary>
        private static bool AllowsMultiple(INamedTypeSymbol type)
        {
            for (INamedTypeSymbol? t = type; t is not null; t = t.BaseType)
                foreach (AttributeData usage in t.GetAttributes())
                    if (usage.AttributeClass?.ToDisplayString() == "System.AttributeUsageAttribute")
                        return usage.NamedArguments.Any(a => a.Key == "AllowMultiple" && a.Value.Value is true);
            return false;
        }

        private static ITypeSymbol? MemberType(INamedTypeSymbol type, string name)
        {
            for (INamedTypeSymbol? t = type; t is not null; t = t.BaseType)
                foreach (ISymbol member in t.GetMembers(name))
                    if (member is IPropertySymbol { SetMethod: not null } property) return property.Type;
                    else if (member is IFieldSymbol { IsReadOnly: false, IsConst: false } field) return field.Type;
            return null;
        }

        private Diagnostic[] Compute(SyntaxTree tree, CancellationToken cancellationToken)
        {
            if (!compilation!.ContainsSyntaxTree(tree)) return [];
            int start = int.MaxValue, end = 0;
            foreach (AttributeData attribute in attributes)
            {
                if (attribute.ApplicationSyntaxReference is not { } reference || reference.SyntaxTree != tree) continue;
                start = Math.Min(start, reference.Span.Start);
                end = Math.Max(end, reference.Span.End);
            }
            if (start > end) return [];
            SemanticModel model = compilation.GetSemanticModel(tree);
            return model.GetDiagnostics(TextSpan.FromBounds(start, end), cancellationToken)
                .Where(d => d.Severity == DiagnosticSeverity.Error)
                .ToArray();
        }
    }

    private static TypeSpec ReadType(INamedTypeSymbol type, int modelOrdinal, List<Problem> problems, CancellationToken cancellationToken)
    {
        string name = type.Name;
        if (!IsPartial(type, cancellationToken))
            problems.Add(Problem.Create(DiagnosticDescriptors.ModelNotPartialId, modelOrdinal, name));
        if (type.TypeParameters.Length > 0)
            problems.Add(Problem.Create(DiagnosticDescriptors.UnsupportedTypeId, modelOrdinal, name, "a model class cannot be generic"));
        if (type.IsStatic)
            problems.Add(Problem.Create(DiagnosticDescriptors.UnsupportedTypeId, modelOrdinal, name, "a model class cannot be static, since models are instances"));

        // The generated M() and M(int seed) would collide with constructors of the user's own (CS0111 in our file).
        // The analyzer also sees the generated constructors, so those (in the generator's own files) do not count.
        foreach (IMethodSymbol constructor in type.InstanceConstructors)
        {
            if (constructor.IsImplicitlyDeclared || constructor.DeclaringSyntaxReferences.All(r => IsGeneratedFile(r.SyntaxTree))) continue;
            if (constructor.DeclaringSyntaxReferences.Any(r => r.GetSyntax(cancellationToken) is TypeDeclarationSyntax))
            {
                problems.Add(Problem.Create(DiagnosticDescriptors.UnsupportedTypeId, modelOrdinal, name,
                    "it has a primary constructor, which the generated seed constructors would have to call; remove its parameter list"));
                continue;
            }
            bool clash = constructor.Parameters.Length == 0
                || (constructor.Parameters.Length == 1 && constructor.Parameters[0].Type.SpecialType == SpecialType.System_Int32);
            if (clash)
                problems.Add(Problem.Create(DiagnosticDescriptors.UnsupportedTypeId, modelOrdinal, name,
                    $"it declares its own constructor {name}({(constructor.Parameters.Length == 0 ? "" : "int")}), which ModelGen generates (the seed constructors); remove it, or give it other parameters"));
        }

        if (type.ContainingType is null && type.ContainingNamespace is { IsGlobalNamespace: true } && name is "System" or "ModelGen")
            problems.Add(Problem.Create(DiagnosticDescriptors.UnsupportedTypeId, modelOrdinal, name,
                $"a class named '{name}' in the global namespace hides the namespace the generated code uses; rename it or put it in a namespace"));
        if (type.IsFileLocal)
            problems.Add(Problem.Create(DiagnosticDescriptors.UnsupportedTypeId, modelOrdinal, name,
                "a file-local class cannot be generated, since its generated part lives in another file; remove 'file'"));
        if (type.BaseType is { SpecialType: not SpecialType.System_Object } baseType
            && !baseType.InstanceConstructors.Any(c => c.DeclaredAccessibility is not Accessibility.Private && c.Parameters.All(p => p.IsOptional || p.IsParams)))
            problems.Add(Problem.Create(DiagnosticDescriptors.UnsupportedTypeId, modelOrdinal, name,
                $"its base class '{baseType.Name}' has no constructor without arguments, which the generated constructors call"));

        var containing = new List<ContainingTypeSpec>();
        for (INamedTypeSymbol? outer = type.ContainingType; outer is not null; outer = outer.ContainingType)
        {
            if (!IsPartial(outer, cancellationToken))
                problems.Add(Problem.Create(DiagnosticDescriptors.UnsupportedTypeId, modelOrdinal, name,
                    $"its containing type '{outer.Name}' must be partial too"));
            if (outer.TypeParameters.Length > 0)
                problems.Add(Problem.Create(DiagnosticDescriptors.UnsupportedTypeId, modelOrdinal, name,
                    $"its containing type '{outer.Name}' is generic"));
            containing.Insert(0, new ContainingTypeSpec(Keyword(outer), outer.Name));
        }

        // Namespace parts by name (ToDisplayString would escape keywords as @class; the emitter escapes them itself).
        var parts = new List<string>();
        for (INamespaceSymbol? n = type.ContainingNamespace; n is { IsGlobalNamespace: false }; n = n.ContainingNamespace)
            parts.Insert(0, n.Name);
        string? ns = parts.Count > 0 ? string.Join(".", parts) : null;
        return new TypeSpec(ns, name, Keyword(type), containing.ToEquatableArray())
        {
            Members = MemberNames(type, cancellationToken).ToEquatableArray(),
            Interfaces = DeclaredInterfaces(type, cancellationToken)
                .Where(i => i.ContainingNamespace is { Name: Namespace, ContainingNamespace.IsGlobalNamespace: true } && i.TypeArguments.Length == 1)
                .Select(i => $"{i.Name}<{i.TypeArguments[0].ToDisplayString()}>").Distinct().OrderBy(n => n, StringComparer.Ordinal).ToEquatableArray(),
            InheritedMembers = InheritedMemberNames(type).ToEquatableArray(),
        };
    }

    /// <summary>
    /// The interfaces the user's declarations name, without those the generated file adds (the analyzer sees the class
    /// with the generated part, whose interfaces follow the declaration and must not be judged as the user's).
    /// </summary>
    private static IEnumerable<INamedTypeSymbol> DeclaredInterfaces(INamedTypeSymbol type, CancellationToken cancellationToken)
    {
        if (type.DeclaringSyntaxReferences.All(r => !IsGeneratedFile(r.SyntaxTree))) return type.Interfaces;
        var named = new HashSet<string>(type.DeclaringSyntaxReferences
            .Where(r => !IsGeneratedFile(r.SyntaxTree))
            .Select(r => r.GetSyntax(cancellationToken)).OfType<TypeDeclarationSyntax>()
            .SelectMany(t => t.BaseList?.Types ?? default(SeparatedSyntaxList<BaseTypeSyntax>))
            .Select(b => RightmostName(b.Type)), StringComparer.Ordinal);
        return type.Interfaces.Where(i => named.Contains(i.Name));
    }

    /// <summary>The simple name a base type's syntax ends with: <c>IModel</c> for <c>global::ModelGen.IModel&lt;float&gt;</c>.</summary>
    private static string RightmostName(TypeSyntax type) => type switch
    {
        QualifiedNameSyntax q => RightmostName(q.Right),
        AliasQualifiedNameSyntax a => RightmostName(a.Name),
        SimpleNameSyntax n => n.Identifier.ValueText,
        _ => type.ToString(),
    };

    /// <summary>The names of the members the user declared in the class (not those this generator wrote), sorted.</summary>
    private static IEnumerable<string> MemberNames(INamedTypeSymbol type, CancellationToken cancellationToken) =>
        type.GetMembers()
            .Where(m => !m.IsImplicitlyDeclared && m.CanBeReferencedByName && !m.DeclaringSyntaxReferences.All(r => IsGeneratedFile(r.SyntaxTree)))
            .Select(m => m.Name).Distinct().OrderBy(n => n, StringComparer.Ordinal);

    /// <summary>The names of the members the class inherits (from base classes other than object, private ones excepted), sorted.</summary>
    private static IEnumerable<string> InheritedMemberNames(INamedTypeSymbol type)
    {
        var names = new SortedSet<string>(StringComparer.Ordinal);
        for (INamedTypeSymbol? t = type.BaseType; t is not null && t.SpecialType != SpecialType.System_Object; t = t.BaseType)
            foreach (ISymbol member in t.GetMembers())
                if (!member.IsImplicitlyDeclared && member.CanBeReferencedByName && member.DeclaredAccessibility != Accessibility.Private)
                    names.Add(member.Name);
        return names;
    }

    /// <summary>A file this generator wrote (the analyzer runs on the compilation that includes them).</summary>
    private static bool IsGeneratedFile(SyntaxTree tree) =>
        tree.FilePath.Replace('\\', '/').Contains("ModelGen.Generator/") && tree.FilePath.EndsWith(".g.cs", StringComparison.Ordinal);

    private static string Keyword(INamedTypeSymbol type) => (type.IsRecord, type.TypeKind) switch
    {
        (true, TypeKind.Struct) => "record struct",
        (true, _) => "record",
        (false, TypeKind.Struct) => "struct",
        (false, TypeKind.Interface) => "interface",
        _ => "class",
    };

    private static bool IsPartial(INamedTypeSymbol type, CancellationToken cancellationToken) =>
        type.DeclaringSyntaxReferences.Any(r =>
            r.GetSyntax(cancellationToken) is TypeDeclarationSyntax t && t.Modifiers.Any(SyntaxKind.PartialKeyword));

    /// <summary>PyTorch's defaults (torch.optim 1.13; SGD's learning rate is ours, PyTorch has none), then what the attribute sets.</summary>
    private static OptimizerSpec ReadOptimizer(OptimizerKind kind, int ordinal, ArgumentReader reader)
    {
        OptimizerSpec defaults = Defaults(kind, ordinal);
        return defaults with
        {
            LearningRate = reader.Named("LearningRate", defaults.LearningRate),
            WeightDecay = reader.Named("WeightDecay", defaults.WeightDecay),
            Momentum = reader.Named("Momentum", defaults.Momentum),
            Dampening = reader.Named("Dampening", defaults.Dampening),
            Nesterov = reader.Named("Nesterov", defaults.Nesterov),
            Beta1 = reader.Named("Beta1", defaults.Beta1),
            Beta2 = reader.Named("Beta2", defaults.Beta2),
            Epsilon = reader.Named("Epsilon", defaults.Epsilon),
            Alpha = reader.Named("Alpha", defaults.Alpha),
            Rho = reader.Named("Rho", defaults.Rho),
            Centered = reader.Named("Centered", defaults.Centered),
            Amsgrad = reader.Named("Amsgrad", defaults.Amsgrad),
            InitialAccumulator = reader.Named("InitialAccumulator", defaults.InitialAccumulator),
            MomentumDecay = reader.Named("MomentumDecay", defaults.MomentumDecay),
        };
    }

    /// <summary>The hyperparameters an optimizer attribute has when none is written.</summary>
    public static OptimizerSpec Defaults(OptimizerKind kind, int ordinal) => kind switch
    {
        OptimizerKind.Sgd => new OptimizerSpec(kind, ordinal) { LearningRate = 1e-2 },
        OptimizerKind.Adam => new OptimizerSpec(kind, ordinal) { LearningRate = 1e-3, Beta1 = 0.9, Beta2 = 0.999, Epsilon = 1e-8 },
        OptimizerKind.AdamW => new OptimizerSpec(kind, ordinal) { LearningRate = 1e-3, Beta1 = 0.9, Beta2 = 0.999, Epsilon = 1e-8, WeightDecay = 1e-2 },
        OptimizerKind.RmsProp => new OptimizerSpec(kind, ordinal) { LearningRate = 1e-2, Alpha = 0.99, Epsilon = 1e-8 },
        OptimizerKind.AdaGrad => new OptimizerSpec(kind, ordinal) { LearningRate = 1e-2, Epsilon = 1e-10 },
        OptimizerKind.AdaDelta => new OptimizerSpec(kind, ordinal) { LearningRate = 1.0, Rho = 0.9, Epsilon = 1e-6 },
        OptimizerKind.Adamax => new OptimizerSpec(kind, ordinal) { LearningRate = 2e-3, Beta1 = 0.9, Beta2 = 0.999, Epsilon = 1e-8 },
        OptimizerKind.NAdam => new OptimizerSpec(kind, ordinal) { LearningRate = 2e-3, Beta1 = 0.9, Beta2 = 0.999, Epsilon = 1e-8, MomentumDecay = 4e-3 },
        _ => throw new ArgumentOutOfRangeException(nameof(kind)),
    };

    /// <summary>"DenseAttribute" → "Dense".</summary>
    public static string ShortName(string attributeName) =>
        attributeName.EndsWith("Attribute", StringComparison.Ordinal) ? attributeName.Substring(0, attributeName.Length - "Attribute".Length) : attributeName;

    private static bool IsModelGenAttribute(AttributeData attribute)
    {
        INamedTypeSymbol? cls = attribute.AttributeClass;
        if (cls is null || cls.TypeKind == TypeKind.Error) return false;
        if (cls.ContainingNamespace is not { Name: Namespace, ContainingNamespace.IsGlobalNamespace: true }) return false;
        return LayerModules.TryGetByAttribute(cls.Name, out _) || OptimizerAttributes.ContainsKey(cls.Name) || OtherAttributes.Contains(cls.Name);
    }

    private static SyntaxNode? DeclarationOf(AttributeData attribute, CancellationToken cancellationToken) =>
        attribute.ApplicationSyntaxReference?.GetSyntax(cancellationToken).FirstAncestorOrSelf<TypeDeclarationSyntax>();
}
