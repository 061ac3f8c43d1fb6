using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Threading;
using ModelGen.Fuzz.Tests.Infrastructure;

namespace ModelGen.Fuzz.Tests.Files;

/// <summary>
/// Runs one load of a (mutated) file and checks what may come of it: success (and then the fuzzer's invariants on what
/// was loaded), or the loader's documented exception type with a non-empty message and the model exactly as it was;
/// never another exception type, never a hang (<see cref="Timeout"/>), never an allocation out of proportion to the file.
/// </summary>
internal static class LoadCheck
{
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(20);

    /// <summary>Bytes any load may allocate beyond its proportional share (buffers, messages, JSON documents).</summary>
    public const long AllocationSlack = 8 << 20;

    /// <summary>How many times the bytes a load is entitled to it may allocate.</summary>
    public const long AllocationFactor = 16;

    /// <summary>Set after a load hung: its thread cannot be stopped, so the fuzzer stops.</summary>
    public static bool Hung { get; private set; }

    public sealed record Load(
        string Loader,
        Action Run,
        Type Documented,
        long EntitledBytes,
        Func<string?>? ModelChanged = null,
        Func<string?>? AfterSuccess = null,
        long? EntitledOnFailure = null);

    /// <summary>Runs <paramref name="load"/>; returns its failures and how it ended ("loaded", "rejected").</summary>
    public static (List<Failure> Failures, string Outcome) Check(Load load)
    {
        var failures = new List<Failure>();
        string loader = load.Loader.Split(" (")[0]; // failure classes leave out the precision: the same fault in float and double is one class
        Exception? error = null;
        long allocated = 0;
        var thread = new Thread(() =>
        {
            long before = GC.GetAllocatedBytesForCurrentThread();
            try
            {
                load.Run();
            }
            catch (Exception e)
            {
                error = e;
            }
            allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        }, 16 << 20) { IsBackground = true, Name = "fuzz load" };
        thread.Start();
        if (!thread.Join(Timeout))
        {
            Hung = true;
            failures.Add(new Failure($"{loader} hangs (no result after {Timeout.TotalSeconds:0} s)", "the load thread is still running"));
            return (failures, "hung");
        }

        long entitled = error is null ? load.EntitledBytes : load.EntitledOnFailure ?? load.EntitledBytes;
        long bound = AllocationSlack + AllocationFactor * entitled;
        if (allocated > bound)
            failures.Add(new Failure($"{loader} allocates out of proportion to the file ({(error is null ? "on success" : "before it fails")})",
                $"{load.Loader}: allocated {allocated:N0} bytes; entitled to {entitled:N0} bytes of data{(error is null ? "" : " (what deciding the failure needs)")} (bound {bound:N0}){(error is null ? "" : "; then threw " + error.GetType().Name + ": " + error.Message)}"));

        if (error is null)
        {
            if (load.AfterSuccess?.Invoke() is { } wrong)
                failures.Add(new Failure($"{loader} accepts a bad file: {Key(wrong)}", $"{load.Loader}: {wrong}"));
            return (failures, "loaded");
        }

        if (error.GetType() != load.Documented)
            failures.Add(new Failure($"{loader} throws {error.GetType().Name}{Frame(error)}, not {load.Documented.Name}",
                $"{load.Loader}: {error.GetType().FullName}: {error.Message}{Environment.NewLine}  {string.Join(Environment.NewLine + "  ", (error.StackTrace ?? "").Split('\n').Take(5).Select(s => s.Trim()))}"));
        else if (string.IsNullOrWhiteSpace(error.Message))
            failures.Add(new Failure($"{loader} throws {error.GetType().Name} with no message", load.Loader));

        if (load.ModelChanged?.Invoke() is { } changed)
            failures.Add(new Failure($"a failed {loader} changes the model before it throws {error.GetType().Name}",
                $"{load.Loader}: changed {changed}; the exception: {error.GetType().Name}: {error.Message}"));
        return (failures, error.GetType() == load.Documented ? "rejected" : "wrong exception");
    }

    /// <summary>The part of an invariant's message before the first ':' names the broken invariant.</summary>
    private static string Key(string message) => message.Split(':')[0];

    private static string Frame(Exception e)
    {
        string? frame = (e.StackTrace ?? "").Split('\n').Select(s => s.Trim())
            .FirstOrDefault(s => s.StartsWith("at ModelGen.", StringComparison.Ordinal) && !s.StartsWith("at ModelGen.Fuzz", StringComparison.Ordinal));
        if (frame is null) return "";
        int paren = frame.IndexOf('(');
        string method = paren > 0 ? frame[3..paren] : frame[3..];
        // A lambda's frame (Type.<>c__2`1.<Restore>b__2_4) reads as the method it is in (Type.Restore, lambda).
        int lambda = method.IndexOf(".<", StringComparison.Ordinal);
        if (lambda > 0 && method.IndexOf('<', lambda + 2) is int open and > 0 && method.IndexOf('>', open) is int close and > 0)
            method = method[..lambda] + "." + method[(open + 1)..close] + " (a lambda)";
        return " in " + method;
    }
}

/// <summary>A fresh temporary folder, deleted on dispose.</summary>
internal sealed class TempFolder : IDisposable
{
    public TempFolder()
    {
        Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "modelgen-fuzz-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(Path);
    }

    public string Path { get; }

    public string this[string name] => System.IO.Path.Combine(Path, name);

    public void Dispose()
    {
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
    }
}
