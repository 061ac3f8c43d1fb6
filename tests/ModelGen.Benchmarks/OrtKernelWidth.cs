using System;
using System.IO;
using System.Linq;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics.X86;
using Microsoft.ML.OnnxRuntime;

namespace ModelGen.Benchmarks;

/// <summary>
/// ONNX Runtime at the vector width ModelGen runs. ONNX Runtime's kernel library (MLAS) picks its AVX-512 kernels from
/// CPUID and the XCR0 register, which <c>DOTNET_EnableAVX512=0</c> does not reach: on an AVX-512 machine, ModelGen's AVX2
/// path would be compared with ONNX Runtime's AVX-512 kernels, not with what ONNX Runtime runs on an AVX2-only processor.
/// <see cref="WriteAvx2Copy"/> writes a copy of the native library in which the branches that select AVX-512 are never
/// taken, so ONNX Runtime sets itself up as on a processor without AVX-512 (its AVX2 and FMA kernels). It patches only
/// the byte sequences it knows for the package this program is built with, and refuses when they are not all there.
/// Measurement only: the copy lives in a temporary folder and is loaded by the benchmark's child processes.
/// </summary>
public static class OrtKernelWidth
{
    /// <summary>The option that tells a <c>--compare-ort</c> child which native library to load.</summary>
    public const string LibraryOption = "--ort-library";

    /// <summary>
    /// The byte sequences of ONNX Runtime 1.31.1 (linux-x64) that decide on AVX-512, each with how many times it must
    /// occur, where in it to write, and what.
    /// </summary>
    private static readonly (string What, byte[] Pattern, int Count, int At, byte[] Write)[] Patches =
    [
        // MLAS's platform set-up (four copies in the library): `not rax; test al, 0xE0; je <AVX-512 kernels>`, the test that
        // the operating system saves the opmask and ZMM state. The 6-byte je becomes a 6-byte no-op: the AVX2 kernels stay.
        ("MLAS: XCR0 & 0xE0 == 0xE0 → AVX-512 kernels", Convert.FromHexString("48F7D0A8E00F84"), 4, 5,
         Convert.FromHexString("660F1F440000")),
        // CPUIDInfo (the flags other operators read): `cmp r9d, 0xE6`, with r9d = XCR0 & 0xE6, before the AVX-512 flags
        // (a je) and the AVX-512 BF16 flag (a cmovne). Compared with 0xE7 instead, the test never holds.
        ("CPUIDInfo: XCR0 & 0xE6 == 0xE6 → AVX-512 flags", Convert.FromHexString("4181F9E6000000"), 2, 3,
         Convert.FromHexString("E7")),
    ];

    /// <summary>Whether the processor has AVX-512F, whatever the runtime was told to use (CPUID leaf 7, EBX bit 16).</summary>
    public static bool ProcessorHasAvx512 => X86Base.IsSupported && (X86Base.CpuId(7, 0).Ebx & (1 << 16)) != 0;

    /// <summary>The native library this program loads from its NuGet package (linux-x64 only).</summary>
    public static string PackagedLibrary =>
        Path.Combine(AppContext.BaseDirectory, "runtimes", "linux-x64", "native", "libonnxruntime.so");

    /// <summary>
    /// Writes the AVX2 copy of <see cref="PackagedLibrary"/> into <paramref name="directory"/> and returns its path, or
    /// returns <c>null</c> with the reason in <paramref name="note"/> (another platform, another build of ONNX Runtime).
    /// </summary>
    public static string? WriteAvx2Copy(string directory, out string note)
    {
        string source = PackagedLibrary;
        if (!OperatingSystem.IsLinux() || RuntimeInformation.ProcessArchitecture != Architecture.X64 || !File.Exists(source))
        {
            note = $"no linux-x64 library at {source}";
            return null;
        }
        byte[] image = File.ReadAllBytes(source);
        foreach (var (what, pattern, count, at, write) in Patches)
        {
            var sites = Occurrences(image, pattern);
            if (sites.Length != count)
            {
                note = $"{what}: {sites.Length} sites in {source}, expected {count} (a different ONNX Runtime build)";
                return null;
            }
            foreach (int site in sites) write.CopyTo(image, site + at);
        }
        Directory.CreateDirectory(directory);
        string target = Path.Combine(directory, "libonnxruntime.so");
        File.WriteAllBytes(target, image);
        note = $"{string.Join("; ", Patches.Select(p => $"{p.What} ({p.Count}×)"))} disabled in a copy at {target}";
        return target;
    }

    /// <summary>
    /// Makes this process load <paramref name="library"/> for ONNX Runtime's P/Invokes. Call before the first use of
    /// ONNX Runtime; <see cref="CheckLoaded"/> confirms afterwards that it is the one mapped.
    /// </summary>
    public static void Use(string library)
    {
        if (!File.Exists(library)) throw new FileNotFoundException($"{LibraryOption}: {library} not found", library);
        NativeLibrary.SetDllImportResolver(typeof(OrtEnv).Assembly, (name, _, _) =>
            name == "onnxruntime" ? NativeLibrary.Load(library) : IntPtr.Zero);
    }

    /// <summary>Throws unless <paramref name="library"/> is mapped into this process and the packaged library is not.</summary>
    public static void CheckLoaded(string library)
    {
        string full = Path.GetFullPath(library);
        var mapped = File.ReadLines("/proc/self/maps").Select(l => l.Split(' ', StringSplitOptions.RemoveEmptyEntries))
            .Where(f => f.Length >= 6 && f[5].EndsWith("libonnxruntime.so", StringComparison.Ordinal)).Select(f => f[5]).Distinct().ToArray();
        if (mapped.Length != 1 || mapped[0] != full)
            throw new InvalidOperationException($"ONNX Runtime's library: expected only {full} mapped, found {string.Join(", ", mapped)}");
    }

    private static int[] Occurrences(byte[] image, byte[] pattern)
    {
        var sites = new System.Collections.Generic.List<int>();
        for (int i = image.AsSpan().IndexOf(pattern); i >= 0;)
        {
            sites.Add(i);
            int next = image.AsSpan(i + 1).IndexOf(pattern);
            i = next < 0 ? -1 : i + 1 + next;
        }
        return sites.ToArray();
    }
}
