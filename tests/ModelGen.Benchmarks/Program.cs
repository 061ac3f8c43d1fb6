using System;
using System.Linq;
using BenchmarkDotNet.Running;

namespace ModelGen.Benchmarks;

public static class Program
{
    private const string Usage = """
        ModelGen benchmarks (issues 6 and 10). From the repository root:
          bash bench/compare.sh [options]               ModelGen, ONNX Runtime and PyTorch side by side, one Markdown table
          dotnet run -c Release --project tests/ModelGen.Benchmarks -- --compare [options]      the same without the build
                                                        and without exporting the ONNX models first
        Options of --compare:
          --cases xor,mlp128,mlp512,mlp1024,lenet       the cases to run (default: all)
          --no-cnn                                      leave out LeNet
          --no-torch                                    skip PyTorch
          --no-onnx                                     skip ONNX Runtime
          --python /usr/bin/python3                     the Python with torch (PyTorch's scripts)
          --torch-env NAME=VALUE                        environment of the PyTorch processes only (repeatable)
          --onnx-dir DIR                                the .onnx files of bench/export_onnx.py (default bench/.onnx)
          --ort-threads 1,2                             ONNX Runtime's IntraOpNumThreads settings, the best reported
                                                        (default: 1 and the number of processors)
          --repeat N                                    medians of N rounds
          --in-process                                  every measurement in this process (peak memory accumulates)
          --seconds S                                   every timed loop S seconds: a quick functional check, not figures
        Per product (every dense layer's forward, weight-gradient and input-gradient products, % of the measured peak):
          dotnet run -c Release --project tests/ModelGen.Benchmarks -- --products [--threads 1|0] [--seconds S]
        Per product, one thread against all, alternating in one process (what the other cores add):
          dotnet run -c Release --project tests/ModelGen.Benchmarks -- --products --scaling [--rounds 15]
        Per convolution (LeNet's two at batch 64, forward with batch norm and ReLU, and backward, % of the measured peak):
          dotnet run -c Release --project tests/ModelGen.Benchmarks -- --convolutions [--threads 1|0] [--batch 64] [--seconds S]
        The register kernels alone, on operands in the L1 cache (% of the one-core peak):
          dotnet run -c Release --project tests/ModelGen.Benchmarks -- --microkernel [--seconds S]
        Two builds against each other in one process, in alternating slices (see bench/ab.sh, which builds two revisions):
          dotnet ModelGen.Benchmarks.dll --ab DIR_A DIR_B --case mlp1024 --mode step|b1|b64 [--rounds 40] [--slice-ms 100]
          dotnet ModelGen.Benchmarks.dll --ab DIR_A DIR_B --mode conv1-fwd|conv1-bwd|conv2-fwd|conv2-bwd   (LeNet's convolutions,
                                                        batch 64, one thread)
        ModelGen and ONNX Runtime on one model and batch, alternating in one process (ratios that the drift spares):
          dotnet run -c Release --project tests/ModelGen.Benchmarks -- --ab-ort --case lenet --mode b1|b64 [--threads 2]
                                                        [--rounds 30] [--slice-ms 100] [--gap-ms 20] [--onnx-dir bench/.onnx]
        A training step's two phases timed apart (forward and backward; the optimizer's pass), then whole, in this process:
          dotnet run -c Release --project tests/ModelGen.Benchmarks -- --phases mlp128|mlp512|mlp1024|lenet [--rounds 5]
        BenchmarkDotNet:
          dotnet run -c Release --project tests/ModelGen.Benchmarks -- --filter '*'                 every benchmark
          dotnet run -c Release --project tests/ModelGen.Benchmarks -- --job short --filter '*784x128x10*'
          dotnet run -c Release --project tests/ModelGen.Benchmarks -- --list flat                  benchmark names
        Run the AVX2 path on an AVX-512 machine with DOTNET_EnableAVX512=0 in the environment (.NET 10 ignores DOTNET_EnableAVX512F).
        """;

    public static int Main(string[] args)
    {
        if (args.Length == 0 || args[0] is "-h" or "--help" or "help")
        {
            Console.WriteLine(Usage);
            return 0;
        }
        if (args[0] == "--compare-one") return Compare.RunOne(args);
        if (args[0] == "--compare-ort") return OnnxRuntimeBench.RunOne(args);
        if (Array.IndexOf(args, "--compare") >= 0) return Compare.Run(args);
        if (args[0] == "--products") return DenseProducts.Run(args);
        if (args[0] == "--microkernel") return MicrokernelProbe.Run(args);
        if (args[0] == "--convolutions") return ConvolutionLayers.Run(args);
        if (args[0] == "--ab") return BuildComparison.Run(args);
        if (args[0] == "--ab-ort") return OrtComparison.Run(args);
        if (args[0] == "--phases") return StepPhases.Run(args);

        var summaries = BenchmarkSwitcher.FromTypes([typeof(TrainStepBenchmarks), typeof(DenseProductBenchmarks), typeof(ConvolutionBenchmarks), typeof(ConvolutionPairBenchmarks)]).Run(args);
        foreach (var summary in summaries)
            if (summary.HasCriticalValidationErrors || summary.Reports.Length == 0 || summary.Reports.Any(r => !r.Success))
                return 1;
        return 0;
    }
}
