using System;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Reflection;
using System.Text.RegularExpressions;
using Xunit;

namespace ModelGen.Distributed.Tests;

/// <summary>
/// The multi-rank tests: tests/ModelGen.Distributed.Runner started by <c>mpirun --allow-run-as-root --oversubscribe
/// -np N</c> on this machine (loopback). They need Open MPI (<c>apt-get install openmpi-bin libopenmpi-dev</c>, which
/// .ci/run installs) and fail with that advice when mpirun is missing.
/// </summary>
public sealed class MpiJobTests
{
    private static readonly string Runner = typeof(MpiJobTests).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
        .Single(a => a.Key == "Runner").Value!;

    private sealed record Job(int ExitCode, string Output, TimeSpan Elapsed);

    private static Job Run(int ranks, string mode, TimeSpan timeout)
    {
        Assert.True(File.Exists(Runner), $"The multi-rank test program is missing: {Runner}");
        string? mpirun = Environment.GetEnvironmentVariable("PATH")?.Split(Path.PathSeparator)
            .Select(d => Path.Combine(d, "mpirun")).FirstOrDefault(File.Exists);
        Assert.True(mpirun is not null, "The multi-rank tests need Open MPI's mpirun: apt-get install openmpi-bin libopenmpi-dev (.ci/run installs it).");
        string work = Directory.CreateTempSubdirectory("modelgen-mpi-").FullName;
        var start = new ProcessStartInfo(mpirun!)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (string a in new[] { "--allow-run-as-root", "--oversubscribe", "-np", ranks.ToString(), "dotnet", Runner, mode, work })
            start.ArgumentList.Add(a);
        var clock = Stopwatch.StartNew();
        using var process = Process.Start(start)!;
        var output = new System.Text.StringBuilder();
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) lock (output) output.AppendLine(e.Data); };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (output) output.AppendLine(e.Data); };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        if (!process.WaitForExit(timeout))
        {
            process.Kill(entireProcessTree: true);
            Assert.Fail($"mpirun -np {ranks} ... {mode} did not end within {timeout.TotalSeconds} s (a hang). Output so far:\n{output}");
        }
        process.WaitForExit();
        try { Directory.Delete(work, recursive: true); } catch (IOException) { }
        // Open MPI gives each rank a pseudo-terminal, so .NET's console writes terminal control sequences: drop them.
        string text = Regex.Replace(output.ToString(), @"\x1b(\[[0-9;?]*[A-Za-z]|[=>])", "");
        return new Job(process.ExitCode, text, clock.Elapsed);
    }

    [Theory]
    [InlineData(2)]
    [InlineData(3)] // uneven shards: 32·3 = 96 does not divide 500
    public void Every_check_passes_on_every_rank(int ranks)
    {
        Job job = Run(ranks, "checks", TimeSpan.FromMinutes(4));
        Assert.True(job.ExitCode == 0, $"mpirun -np {ranks} failed with exit code {job.ExitCode}:\n{job.Output}");
        Assert.Contains($"ALL PASSED: 19 checks on {ranks} ranks (OpenMpi", job.Output);
        Assert.Equal(19, Regex.Matches(job.Output, "^PASS ", RegexOptions.Multiline).Count);
    }

    [Fact]
    public void Two_launches_train_bit_identical_weights_on_every_rank()
    {
        string[] Hashes(Job job)
        {
            Assert.True(job.ExitCode == 0, job.Output);
            return Regex.Matches(job.Output, @"^rank (\d) weights ([0-9A-F]{16})$", RegexOptions.Multiline)
                .OrderBy(m => m.Groups[1].Value).Select(m => m.Groups[2].Value).ToArray();
        }
        string[] first = Hashes(Run(2, "hash", TimeSpan.FromMinutes(2)));
        string[] second = Hashes(Run(2, "hash", TimeSpan.FromMinutes(2)));
        Assert.Equal(2, first.Length);
        Assert.Equal(first[0], first[1]);   // both ranks hold the same weights
        Assert.Equal(first, second);         // and the next launch computes them again, bit for bit
    }

    [Fact]
    public void A_rank_that_throws_ends_the_job_naming_the_rank()
    {
        Job job = Run(2, "throw", TimeSpan.FromMinutes(1));
        Assert.NotEqual(0, job.ExitCode);
        Assert.Contains("ModelGen.Distributed: rank 1 of 2 failed: System.InvalidOperationException: deliberate failure on rank 1", job.Output);
        Assert.Contains("ModelGen.Distributed: rank 1 ends the job (MPI_Abort).", job.Output);
        // (Open MPI's own "MPI_ABORT was invoked on rank 1" notice is not always printed: its help system sometimes fails.)
        Assert.DoesNotContain("the all-reduce returned", job.Output);
    }

    [Fact]
    public void A_rank_that_dies_ends_the_job()
    {
        Job job = Run(3, "die", TimeSpan.FromMinutes(1));
        Assert.NotEqual(0, job.ExitCode);
        Assert.Contains("rank 2: killing myself", job.Output);
        Assert.Matches(@"process rank 2 .*exited on signal 9", job.Output);
        Assert.DoesNotContain("the all-reduce returned", job.Output);
    }
}
