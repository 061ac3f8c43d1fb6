namespace ModelGen.Generator.Model;

// The parser's output: plain, value-equatable data (strings, numbers, enums, equatable arrays) with no ISymbol,
// SyntaxNode, Location or Compilation inside, so the incremental pipeline can cache it and a test can prove it.
//
// Every attribute the parser reads is numbered by its "ordinal": its position among the ModelGen attributes of the
// class in source order (ModelParser.OrderedAttributes). Problems refer to attributes by ordinal; the analyzer maps an
// ordinal back to the attribute's syntax to place the diagnostic on it.

/// <summary>A [Model] class: where it is declared and what its attributes say.</summary>
internal sealed record ModelSpec(
    TypeSpec Type,
    int ModelOrdinal,
    int BatchSize,
    int Seed,
    PrecisionKind Precision,
    InputSpec? Input,
    EquatableArray<LayerSpec> Layers,
    LossSpec? Loss,
    OptimizerSpec? Optimizer,
    ClippingSpec? Clipping,
    EquatableArray<Problem> Problems)
{
    /// <summary>
    /// True when an attribute is malformed in a way the C# compiler reports itself (wrong argument types); the model is
    /// then neither generated nor diagnosed, so the user sees the compiler's error alone.
    /// </summary>
    public bool HasCompilerErrors { get; init; }

    /// <summary><c>[Model(Threads = ..)]</c>: the most threads the model's products may use; 0 means the process-wide limit.</summary>
    public int Threads { get; init; }
}

/// <summary>The class declaration: namespace, name and the types that contain it (outermost first).</summary>
internal sealed record TypeSpec(
    string? Namespace,
    string Name,
    string Keyword,
    EquatableArray<ContainingTypeSpec> ContainingTypes)
{
    /// <summary>The names of the members the user declared in the class (the generated ones must not collide with them).</summary>
    public EquatableArray<string> Members { get; init; } = EquatableArray<string>.Empty;

    /// <summary>ModelGen's interfaces the class names in its base list, as <c>IModel&lt;double&gt;</c> (the generated part names its own).</summary>
    public EquatableArray<string> Interfaces { get; init; } = EquatableArray<string>.Empty;

    /// <summary>The names of the non-private members the class inherits from base classes other than object.</summary>
    public EquatableArray<string> InheritedMembers { get; init; } = EquatableArray<string>.Empty;

    /// <summary>The name as metadata spells it, unique in a compilation: <c>Demo.Outer+Xor</c> (nested types joined by '+').</summary>
    public string MetadataName =>
        (Namespace is null ? "" : Namespace + ".") + string.Join("+", System.Linq.Enumerable.Concat(System.Linq.Enumerable.Select(ContainingTypes, t => t.Name), new[] { Name }));

    /// <summary>Fully qualified name without <c>global::</c>, e.g. <c>Demo.Outer.Xor</c>.</summary>
    public string FullName
    {
        get
        {
            var parts = new System.Collections.Generic.List<string>();
            if (Namespace is not null) parts.Add(Namespace);
            foreach (ContainingTypeSpec t in ContainingTypes) parts.Add(t.Name);
            parts.Add(Name);
            return string.Join(".", parts);
        }
    }
}

/// <summary>A type that contains the model class: its keyword (<c>class</c>, <c>struct</c>, <c>record</c>, ...) and name.</summary>
internal sealed record ContainingTypeSpec(string Keyword, string Name);

/// <summary>[Input(shape)].</summary>
internal sealed record InputSpec(int Ordinal, EquatableArray<int> Shape);

/// <summary>
/// One layer attribute. A flat record: each kind uses the fields it has (Dense: Units, Activation, UseBias, inits,
/// L1, L2; LeakyReLU: Alpha; Dropout: Rate; Add, Concat: Operands; ...) and leaves the rest at their defaults.
/// </summary>
internal sealed record LayerSpec(LayerKind Kind, int Ordinal)
{
    public string? Name { get; init; }
    /// <summary>The layer it reads instead of the previous one (<c>From = "..."</c>); null for the previous layer.</summary>
    public string? From { get; init; }
    /// <summary>The other layers a merge ([Add], [Concat]) reads, in order (a null name is read as "", an unknown name).</summary>
    public EquatableArray<string> Operands { get; init; } = EquatableArray<string>.Empty;
    public int Units { get; init; }
    public ActivationKind Activation { get; init; }
    public bool UseBias { get; init; } = true;
    public InitKind WeightInit { get; init; } = InitKind.GlorotUniform;
    public InitKind BiasInit { get; init; } = InitKind.Zeros;
    public double L1 { get; init; }
    public double L2 { get; init; }
    public double Alpha { get; init; }
    public double Rate { get; init; }
    public double Momentum { get; init; }
    public double Epsilon { get; init; }
    public int Filters { get; init; }
    public int KernelSize { get; init; }
    public int Stride { get; init; } = 1;
    public PaddingKind Padding { get; init; }
    public int PoolSize { get; init; }
    /// <summary>[Gelu(Approximate = true)]: the tanh form.</summary>
    public bool Approximate { get; init; }
}

/// <summary>[Loss(function)], with Huber's Delta and cross-entropy's LabelSmoothing (each null when not written).</summary>
internal sealed record LossSpec(int Ordinal, LossKind Kind)
{
    public double? Delta { get; init; }
    public double? LabelSmoothing { get; init; }
}

/// <summary>The optimizer attribute with every hyperparameter (PyTorch's defaults where not written).</summary>
internal sealed record OptimizerSpec(OptimizerKind Kind, int Ordinal)
{
    public double LearningRate { get; init; }
    public double WeightDecay { get; init; }
    public double Momentum { get; init; }
    public double Dampening { get; init; }
    public bool Nesterov { get; init; }
    public double Beta1 { get; init; }
    public double Beta2 { get; init; }
    public double Epsilon { get; init; }
    public double Alpha { get; init; }
    public double Rho { get; init; }
    public bool Centered { get; init; }
    public bool Amsgrad { get; init; }
    public double InitialAccumulator { get; init; }
    public double MomentumDecay { get; init; }
}

/// <summary>[GradientClipping(MaxNorm, MaxValue)]; 0 turns a limit off.</summary>
internal sealed record ClippingSpec(int Ordinal, double MaxNorm, double MaxValue);

/// <summary>A problem with the declaration: a diagnostic ID, the attribute it belongs to, and the message arguments.</summary>
internal sealed record Problem(string Id, int Ordinal, EquatableArray<string> Arguments)
{
    public static Problem Create(string id, int ordinal, params string[] arguments) => new(id, ordinal, arguments.ToEquatableArray());
}
