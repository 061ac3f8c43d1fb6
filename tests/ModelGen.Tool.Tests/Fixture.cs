using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Reflection;
using System.Runtime.Loader;
using System.Text.Json;
using Microsoft.CodeAnalysis.Emit;
using ModelGen.Onnx.Import;
using ModelGen.Tool.Checking;
using Xunit;

namespace ModelGen.Tool.Tests;

/// <summary>A fixture written by export_fixtures.py: the .onnx file and PyTorch's outputs on fixed inputs.</summary>
internal sealed record Fixture(string Name, int[] InputShape, float[] Inputs, float[] Outputs, int Opset)
{
    public static string Folder => Path.Combine(AppContext.BaseDirectory, "Fixtures");

    public string OnnxPath => Path.Combine(Folder, Name + ".onnx");

    public static Fixture Load(string name)
    {
        using JsonDocument json = JsonDocument.Parse(File.ReadAllText(Path.Combine(Folder, name + ".json")));
        JsonElement root = json.RootElement;
        return new Fixture(name,
            root.GetProperty("input_shape").EnumerateArray().Select(e => e.GetInt32()).ToArray(),
            root.GetProperty("inputs").EnumerateArray().Select(e => (float)e.GetDouble()).ToArray(),
            root.GetProperty("outputs").EnumerateArray().Select(e => (float)e.GetDouble()).ToArray(),
            root.GetProperty("opset").GetInt32());
    }
}

/// <summary>Import → generator check → in-memory compilation → LoadWeights → Predict, as a user would run it.</summary>
internal static class Imported
{
    public static ImportResult Import(string onnxPath, string className = "Imported") =>
        OnnxImporter.Import(onnxPath, new OnnxImportOptions { ClassName = className, Namespace = "ImportTests" });

    /// <summary>Compiles the result with the generator (no error or warning allowed), writes its files into a fresh
    /// folder and returns the model with the weights loaded from the written safetensors file.</summary>
    public static IModel<float> Load(ImportResult result)
    {
        CheckResult check = GeneratorCheck.Check(result);
        Assert.True(check.Errors.Count == 0 && check.Warnings.Count == 0,
            "The generator reported:\n" + string.Join("\n", check.Errors.Concat(check.Warnings)) + "\n" + result.Source);
        using var stream = new MemoryStream();
        EmitResult emitted = check.Compilation.Emit(stream);
        Assert.True(emitted.Success, string.Join("\n", emitted.Diagnostics) + "\n" + result.Source);
        stream.Position = 0;
        Assembly assembly = new AssemblyLoadContext(result.ClassName + Guid.NewGuid(), isCollectible: true).LoadFromStream(stream);
        Type type = assembly.GetType($"ImportTests.{result.ClassName}", throwOnError: true)!;
        var model = (IModel<float>)Activator.CreateInstance(type)!;
        string folder = TempFolder.Create();
        (_, string weights) = result.WriteTo(folder);
        model.LoadWeights(weights);
        return model;
    }

    public static float[] Predict(IModel<float> model, float[] inputs)
    {
        var outputs = new float[inputs.Length / model.InputSize * model.OutputSize];
        model.Predict(inputs, outputs);
        return outputs;
    }

    /// <summary>Asserts agreement to 1e-5, relative to the larger of 1 and the value's size.</summary>
    public static void AssertClose(float[] expected, float[] actual, string what)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++)
        {
            double error = Math.Abs(expected[i] - actual[i]), limit = 1e-5 * Math.Max(1, Math.Abs(expected[i]));
            Assert.True(error <= limit, $"{what}: output {i} is {actual[i]:R}, PyTorch's {expected[i]:R} (difference {error:E2})");
        }
    }
}

/// <summary>Fresh folders under the temp directory, one per call.</summary>
internal static class TempFolder
{
    public static string Create()
    {
        string path = Path.Combine(Path.GetTempPath(), "modelgen-tool-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(path);
        return path;
    }
}
