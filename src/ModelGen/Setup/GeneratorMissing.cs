using System;
using System.Collections.Generic;
using System.ComponentModel;

namespace ModelGen;

/// <summary>
/// Stand-ins for the members ModelGen's generator writes into a model class, so that a project where the generator did
/// not run gets one clear error naming the cause and the fix (<c>MG0900</c>) instead of a wall of <c>CS1061</c> /
/// <c>CS0117</c> "does not contain a definition" errors. The usual cause: a plain <c>ProjectReference</c> to
/// <c>ModelGen.csproj</c>, which MSBuild does not extend to the referenced project's analyzers.
/// </summary>
/// <remarks>
/// C# looks for extension members only when the type itself has no applicable member, so wherever the generator ran,
/// its members win for every call they fit; they are hidden from completion lists. Each is marked obsolete as an error,
/// so a use is a compile error whose message is the fix; none can be called. Where the generator ran, a call no
/// generated overload fits (a float model given double spans) lands here too, hence the message's first sentence; and
/// an extension method of the user's own with one of these names and signatures, on any class, now meets these (the
/// generic receiver is the better match): a known limit, documented in the README.
/// </remarks>
[EditorBrowsable(EditorBrowsableState.Never)]
public static class GeneratorMissing
{
    /// <summary>The diagnostic ID of a use of a generated member that the generator did not write.</summary>
    public const string DiagnosticId = "MG0900";

    /// <summary>The address of the setup instructions.</summary>
    public const string HelpUrl = "https://github.com/modelgen-net/modelgen#using-modelgen-in-your-project";

    /// <summary>The error's text: the cause and the one-line fix.</summary>
    public const string Message =
        "The model has no generated member that fits this call. If it has no generated members at all, ModelGen's " +
        "source generator did not run for this project: a <ProjectReference> to ModelGen.csproj does not bring its generator; add " +
        "<Import Project=\"path/to/src/ModelGen/ModelGen.ProjectReference.targets\" /> to your project file, " +
        "or reference the ModelGen NuGet package instead (it carries the generator)";

    private static InvalidOperationException NotGenerated() => new(Message);

    extension<TModel>(TModel model) where TModel : class
    {
        // ---- The model's constants and name lists (CONTRACT.md: "public const int InputSize", ...).

        /// <summary>Not generated: see <see cref="Message"/>.</summary>
        [Obsolete(Message, error: true, DiagnosticId = DiagnosticId, UrlFormat = HelpUrl), EditorBrowsable(EditorBrowsableState.Never)]
        public static int InputSize => throw NotGenerated();

        /// <summary>Not generated: see <see cref="Message"/>.</summary>
        [Obsolete(Message, error: true, DiagnosticId = DiagnosticId, UrlFormat = HelpUrl), EditorBrowsable(EditorBrowsableState.Never)]
        public static int OutputSize => throw NotGenerated();

        /// <summary>Not generated: see <see cref="Message"/>.</summary>
        [Obsolete(Message, error: true, DiagnosticId = DiagnosticId, UrlFormat = HelpUrl), EditorBrowsable(EditorBrowsableState.Never)]
        public static int BatchSize => throw NotGenerated();

        /// <summary>Not generated: see <see cref="Message"/>.</summary>
        [Obsolete(Message, error: true, DiagnosticId = DiagnosticId, UrlFormat = HelpUrl), EditorBrowsable(EditorBrowsableState.Never)]
        public static int ParameterCount => throw NotGenerated();

        /// <summary>Not generated: see <see cref="Message"/>.</summary>
        [Obsolete(Message, error: true, DiagnosticId = DiagnosticId, UrlFormat = HelpUrl), EditorBrowsable(EditorBrowsableState.Never)]
        public static IReadOnlyList<string> ParameterNames => throw NotGenerated();

        /// <summary>Not generated: see <see cref="Message"/>.</summary>
        [Obsolete(Message, error: true, DiagnosticId = DiagnosticId, UrlFormat = HelpUrl), EditorBrowsable(EditorBrowsableState.Never)]
        public static IReadOnlyList<string> BufferNames => throw NotGenerated();

        // ---- Inference, training and state, in single and double precision.

        /// <summary>Not generated: see <see cref="Message"/>.</summary>
        [Obsolete(Message, error: true, DiagnosticId = DiagnosticId, UrlFormat = HelpUrl), EditorBrowsable(EditorBrowsableState.Never)]
        public void Predict(ReadOnlySpan<float> inputs, Span<float> outputs) => throw NotGenerated();

        /// <summary>Not generated: see <see cref="Message"/>.</summary>
        [Obsolete(Message, error: true, DiagnosticId = DiagnosticId, UrlFormat = HelpUrl), EditorBrowsable(EditorBrowsableState.Never)]
        public void Predict(ReadOnlySpan<double> inputs, Span<double> outputs) => throw NotGenerated();

        /// <summary>Not generated: see <see cref="Message"/>.</summary>
        [Obsolete(Message, error: true, DiagnosticId = DiagnosticId, UrlFormat = HelpUrl), EditorBrowsable(EditorBrowsableState.Never)]
        public float TrainStep(ReadOnlySpan<float> inputs, ReadOnlySpan<int> labels) => throw NotGenerated();

        /// <summary>Not generated: see <see cref="Message"/>.</summary>
        [Obsolete(Message, error: true, DiagnosticId = DiagnosticId, UrlFormat = HelpUrl), EditorBrowsable(EditorBrowsableState.Never)]
        public float TrainStep(ReadOnlySpan<float> inputs, ReadOnlySpan<float> targets) => throw NotGenerated();

        /// <summary>Not generated: see <see cref="Message"/>.</summary>
        [Obsolete(Message, error: true, DiagnosticId = DiagnosticId, UrlFormat = HelpUrl), EditorBrowsable(EditorBrowsableState.Never)]
        public double TrainStep(ReadOnlySpan<double> inputs, ReadOnlySpan<int> labels) => throw NotGenerated();

        /// <summary>Not generated: see <see cref="Message"/>.</summary>
        [Obsolete(Message, error: true, DiagnosticId = DiagnosticId, UrlFormat = HelpUrl), EditorBrowsable(EditorBrowsableState.Never)]
        public double TrainStep(ReadOnlySpan<double> inputs, ReadOnlySpan<double> targets) => throw NotGenerated();

        /// <summary>Not generated: see <see cref="Message"/>.</summary>
        [Obsolete(Message, error: true, DiagnosticId = DiagnosticId, UrlFormat = HelpUrl), EditorBrowsable(EditorBrowsableState.Never)]
        public float ComputeGradients(ReadOnlySpan<float> inputs, ReadOnlySpan<int> labels) => throw NotGenerated();

        /// <summary>Not generated: see <see cref="Message"/>.</summary>
        [Obsolete(Message, error: true, DiagnosticId = DiagnosticId, UrlFormat = HelpUrl), EditorBrowsable(EditorBrowsableState.Never)]
        public float ComputeGradients(ReadOnlySpan<float> inputs, ReadOnlySpan<float> targets) => throw NotGenerated();

        /// <summary>Not generated: see <see cref="Message"/>.</summary>
        [Obsolete(Message, error: true, DiagnosticId = DiagnosticId, UrlFormat = HelpUrl), EditorBrowsable(EditorBrowsableState.Never)]
        public double ComputeGradients(ReadOnlySpan<double> inputs, ReadOnlySpan<int> labels) => throw NotGenerated();

        /// <summary>Not generated: see <see cref="Message"/>.</summary>
        [Obsolete(Message, error: true, DiagnosticId = DiagnosticId, UrlFormat = HelpUrl), EditorBrowsable(EditorBrowsableState.Never)]
        public double ComputeGradients(ReadOnlySpan<double> inputs, ReadOnlySpan<double> targets) => throw NotGenerated();

        /// <summary>Not generated: see <see cref="Message"/>.</summary>
        [Obsolete(Message, error: true, DiagnosticId = DiagnosticId, UrlFormat = HelpUrl), EditorBrowsable(EditorBrowsableState.Never)]
        public float Evaluate(ReadOnlySpan<float> inputs, ReadOnlySpan<int> labels) => throw NotGenerated();

        /// <summary>Not generated: see <see cref="Message"/>.</summary>
        [Obsolete(Message, error: true, DiagnosticId = DiagnosticId, UrlFormat = HelpUrl), EditorBrowsable(EditorBrowsableState.Never)]
        public float Evaluate(ReadOnlySpan<float> inputs, ReadOnlySpan<float> targets) => throw NotGenerated();

        /// <summary>Not generated: see <see cref="Message"/>.</summary>
        [Obsolete(Message, error: true, DiagnosticId = DiagnosticId, UrlFormat = HelpUrl), EditorBrowsable(EditorBrowsableState.Never)]
        public double Evaluate(ReadOnlySpan<double> inputs, ReadOnlySpan<int> labels) => throw NotGenerated();

        /// <summary>Not generated: see <see cref="Message"/>.</summary>
        [Obsolete(Message, error: true, DiagnosticId = DiagnosticId, UrlFormat = HelpUrl), EditorBrowsable(EditorBrowsableState.Never)]
        public double Evaluate(ReadOnlySpan<double> inputs, ReadOnlySpan<double> targets) => throw NotGenerated();

        /// <summary>Not generated: see <see cref="Message"/>.</summary>
        [Obsolete(Message, error: true, DiagnosticId = DiagnosticId, UrlFormat = HelpUrl), EditorBrowsable(EditorBrowsableState.Never)]
        public void ApplyGradients() => throw NotGenerated();

        /// <summary>Not generated: see <see cref="Message"/>.</summary>
        [Obsolete(Message, error: true, DiagnosticId = DiagnosticId, UrlFormat = HelpUrl), EditorBrowsable(EditorBrowsableState.Never)]
        public long Step => throw NotGenerated();

        /// <summary>Not generated: see <see cref="Message"/>.</summary>
        [Obsolete(Message, error: true, DiagnosticId = DiagnosticId, UrlFormat = HelpUrl), EditorBrowsable(EditorBrowsableState.Never)]
        public void SaveWeights(string path) => throw NotGenerated();

        /// <summary>Not generated: see <see cref="Message"/>.</summary>
        [Obsolete(Message, error: true, DiagnosticId = DiagnosticId, UrlFormat = HelpUrl), EditorBrowsable(EditorBrowsableState.Never)]
        public void LoadWeights(string path) => throw NotGenerated();

        /// <summary>Not generated: see <see cref="Message"/>.</summary>
        [Obsolete(Message, error: true, DiagnosticId = DiagnosticId, UrlFormat = HelpUrl), EditorBrowsable(EditorBrowsableState.Never)]
        public string Summary() => throw NotGenerated();
    }
}
