using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using ModelGen.Kernels;
using Xunit;

namespace ModelGen.NoFma.Tests;

/// <summary>The other tests here mean something only if this process really runs without FMA (NoFma.runsettings).</summary>
public class ProcessTests
{
    [Fact]
    public void The_kernels_see_no_fused_multiply_add()
    {
        Assert.False(MultiplyAdd.Fused, "DOTNET_EnableAVX2=0 from NoFma.runsettings did not reach the test host");
        Assert.False(Vector256.IsHardwareAccelerated);
        // On x64 the kernels then take their 128-bit (SSE) path, as in a Native AOT build for x86-64-v2.
        if (RuntimeInformation.ProcessArchitecture == Architecture.X64)
            Assert.True(Vector128.IsHardwareAccelerated);
    }
}
