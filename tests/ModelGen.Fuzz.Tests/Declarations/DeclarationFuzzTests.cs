using System;
using System.Collections.Generic;
using System.Linq;
using ModelGen.Fuzz.Tests.Infrastructure;
using Xunit;
using Xunit.Abstractions;

namespace ModelGen.Fuzz.Tests.Declarations;

/// <summary>
/// Random declarations through the generator and the analyzer (see <see cref="DeclarationGenerator"/> for what is
/// generated and <see cref="DeclarationOracle"/> for what must hold). Fails with one minimized reproducer per failure
/// class, each with the seed that replays it.
/// </summary>
public sealed class DeclarationFuzzTests(ITestOutputHelper output)
{
    /// <summary>Reruns spent minimizing the first case of each failure class.</summary>
    private static int MinimizeBudget => Fuzzing.Long ? 120 : 40;

    [Fact]
    public void Random_declarations_never_break_the_generator_or_the_analyzer()
    {
        var log = new FailureLog("declarations", nameof(DeclarationFuzzTests));
        log.Cases = Campaign.Run("declarations", Fuzzing.Budget(Fuzzing.Share.Declarations), seed =>
        {
            (string mode, string source) = DeclarationGenerator.Generate(seed);
            DeclarationRun run = DeclarationRun.Run(source);
            log.CountOutcome(mode + ": " + DeclarationOracle.Outcome(run));
            foreach (Failure failure in DeclarationOracle.Check(run))
                log.Add(failure, seed, () => Minimize(source, failure.Class));
        });
        Report(log);
    }

    /// <summary>The shortest source (by lines) that still fails with <paramref name="failureClass"/>.</summary>
    internal static string Minimize(string source, string failureClass) =>
        Minimizer.Lines(source, candidate => DeclarationOracle.Check(DeclarationRun.Run(candidate)).Any(f => f.Class == failureClass), MinimizeBudget);

    /// <summary>
    /// The minimal reproducers of the failure classes the fuzzer found (see <see cref="DeclarationRegressions"/>): each must
    /// pass every check of <see cref="DeclarationOracle"/>.
    /// </summary>
    [Theory]
    [MemberData(nameof(DeclarationRegressions.Cases), MemberType = typeof(DeclarationRegressions))]
    public void Found_by_the_fuzzer(string name, string source)
    {
        DeclarationRun run = DeclarationRun.Run(source);
        List<Failure> failures = DeclarationOracle.Check(run);
        Assert.True(failures.Count == 0,
            $"{name}:{Environment.NewLine}{source}{Environment.NewLine}" + string.Join(Environment.NewLine, failures.Select(f => $"- {f.Class}{Environment.NewLine}  {f.Detail}")));
    }

    private void Report(FailureLog log)
    {
        string summary = log.Summary();
        output.WriteLine(summary);
        log.WriteReport();
        Assert.True(log.Classes == 0, summary);
    }
}
