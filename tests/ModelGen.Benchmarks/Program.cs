using System;
using System.Linq;
using BenchmarkDotNet.Running;

namespace ModelGen.Benchmarks;

public static class Program
{
    private const string Usage = """
        ModelGen benchmarks (issue 6). From the repository root:
          bash bench/compare.sh                         ModelGen and PyTorch side by side, one Markdown table
          dotnet run -c Release --project tests/ModelGen.Benchmarks -- --compare [--no-torch] [--no-cnn] [--in-process]
                [--python /usr/bin/python3] [--repeat N] [--torch-env NAME=VALUE] [--cases xor,mlp128,mlp512,mlp1024,lenet]
          dotnet run -c Release --project tests/ModelGen.Benchmarks -- --filter '*'                 every BenchmarkDotNet benchmark
          dotnet run -c Release --project tests/ModelGen.Benchmarks -- --job short --filter '*784x128x10*'
          dotnet run -c Release --project tests/ModelGen.Benchmarks -- --list flat                  benchmark names
        """;

    public static int Main(string[] args)
    {
        if (args.Length == 0 || args[0] is "-h" or "--help" or "help")
        {
            Console.WriteLine(Usage);
            return 0;
        }
        if (args[0] == "--compare-one" && args.Length == 2) return Compare.RunOne(args[1]);
        if (Array.IndexOf(args, "--compare") >= 0) return Compare.Run(args);

        var summaries = BenchmarkSwitcher.FromTypes([typeof(TrainStepBenchmarks)]).Run(args);
        foreach (var summary in summaries)
            if (summary.HasCriticalValidationErrors || summary.Reports.Length == 0 || summary.Reports.Any(r => !r.Success))
                return 1;
        return 0;
    }
}
