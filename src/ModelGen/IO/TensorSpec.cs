using System;

namespace ModelGen.IO;

/// <summary>The name and row-major shape of one tensor of a model, as stored in a weight file.</summary>
/// <param name="Name">The tensor's name, such as <c>dense0.weight</c>.</param>
/// <param name="Shape">The tensor's dimensions, outermost first (row-major); an empty array is a scalar.</param>
public readonly record struct TensorSpec(string Name, int[] Shape);

/// <summary>Returns the live values of the tensor called <paramref name="name"/>, such as a model's <c>Parameter</c> method.</summary>
/// <typeparam name="T">The element type.</typeparam>
/// <param name="name">The tensor's name.</param>
/// <returns>The tensor's values in row-major order; writing to the span changes the tensor.</returns>
public delegate Span<T> TensorAccessor<T>(string name);
