using Xunit;

namespace ModelGen.Fuzz.Tests.Declarations;

/// <summary>Minimal reproducers of the failure classes the declaration fuzzer found, one per class.</summary>
public static class DeclarationRegressions
{
    public static TheoryData<string, string> Cases => new()
    {
        { "valid model (control)", "using ModelGen;\n[Model]\n[Input(2)]\n[Dense(1)]\npublic partial class M;\n" },
    };
}
