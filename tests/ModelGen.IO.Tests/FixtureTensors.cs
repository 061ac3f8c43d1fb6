using System;
using System.Collections.Generic;

namespace ModelGen.IO.Tests;

/// <summary>The tensors that write_safetensors.py packs into the fixtures; keep both in step.</summary>
internal static class FixtureTensors
{
    /// <summary>torch's NaN: 0x7FC00000 (C#'s float.NaN is 0xFFC00000 on x64, so it is spelled out).</summary>
    public static readonly float TorchNaN = BitConverter.Int32BitsToSingle(0x7FC00000);

    public static readonly TensorSpec[] F32Specs =
    [
        new("dense0.weight", [2, 3]),
        new("dense0.bias", [2]),
        new("special", [3]),
    ];

    public static Dictionary<string, float[]> F32Values() => new()
    {
        // torch.tensor(python floats, dtype=float32) rounds each double to float, as (float) does.
        ["dense0.weight"] = [0.5f, -1.25f, 3.0f, (float)0.001, (float)0.1, -0.0f],
        ["dense0.bias"] = [(float)1e-40, float.MaxValue],
        ["special"] = [TorchNaN, float.PositiveInfinity, float.NegativeInfinity],
    };

    public static readonly TensorSpec[] F64Specs =
    [
        new("conv2d0.weight", [2, 1, 2, 2]),
        new("batchnorm0.running_var", [3]),
        new("scalar", []),
    ];

    public static Dictionary<string, double[]> F64Values()
    {
        var conv = new double[8];
        for (int i = 0; i < 8; i++) conv[i] = i * 0.1 - 0.35;
        return new()
        {
            ["conv2d0.weight"] = conv,
            ["batchnorm0.running_var"] = [0.1, 1.0 / 3.0, -2.5e-300],
            ["scalar"] = [Math.PI],
        };
    }

    public const string MixedNote = "Gewichte \u00e4\u00f6\u00fc \u2713 \"quoted\" back\\slash\ttab";
}
