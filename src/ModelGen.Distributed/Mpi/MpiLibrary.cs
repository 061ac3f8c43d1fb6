using System;
using System.Collections.Generic;
using System.Runtime.InteropServices;
using System.Text;

namespace ModelGen.Distributed.Mpi;

/// <summary>
/// The MPI C functions this layer calls, resolved from the system's MPI library at run time: the library is opened
/// with <c>dlopen(RTLD_NOW | RTLD_GLOBAL)</c> (Open MPI's plugins resolve its symbols globally, as mpi4py also arranges)
/// and each function taken with <see cref="NativeLibrary.GetExport"/> as an unmanaged function pointer, so a call
/// allocates nothing and marshals nothing. Nothing is loaded until <see cref="Load"/> runs: a program that never asks
/// for MPI runs without it installed.
/// </summary>
internal sealed unsafe class MpiLibrary
{
    /// <summary>Library names tried in order (after <c>MODELGEN_MPI_LIBRARY</c>): Open MPI 4/5, then MPICH's ABI.</summary>
    public static readonly IReadOnlyList<string> Candidates = ["libmpi.so.40", "libmpi.so", "libmpi.so.12", "libmpich.so.12", "libmpi.dylib"];

    public const int ThreadSerialized = 2; // MPI_THREAD_SERIALIZED: any thread may call, one at a time
    public const int Success = 0;          // MPI_SUCCESS

    public required string Path { get; init; }
    public required MpiAbi Abi { get; init; }
    public required string Version { get; init; }

    public required delegate* unmanaged<int*, int> Initialized { get; init; }
    public required delegate* unmanaged<int*, int> Finalized { get; init; }
    public required delegate* unmanaged<int*, byte***, int, int*, int> InitThread { get; init; }
    public required delegate* unmanaged<int> Finalize { get; init; }
    public required delegate* unmanaged<nint, int*, int> CommRank { get; init; }
    public required delegate* unmanaged<nint, int*, int> CommSize { get; init; }
    public required delegate* unmanaged<void*, int, nint, int, nint, int> Bcast { get; init; }
    public required delegate* unmanaged<void*, void*, int, nint, nint, nint, int> Allreduce { get; init; }
    public required delegate* unmanaged<void*, void*, int, nint, nint, nint, nint*, int> Iallreduce { get; init; }
    public required delegate* unmanaged<nint*, void*, int> Wait { get; init; }
    public required delegate* unmanaged<nint*, int*, void*, int> Test { get; init; }
    public required delegate* unmanaged<nint, int> Barrier { get; init; }
    public required delegate* unmanaged<nint, int, int> Abort { get; init; }
    public required delegate* unmanaged<byte*, int*, int> GetProcessorName { get; init; }

    [DllImport("libc", EntryPoint = "dlopen")]
    private static extern nint DlOpen(byte* file, int mode);

    [DllImport("libc", EntryPoint = "dlerror")]
    private static extern byte* DlError();

    private const int RtldNow = 2, RtldGlobal = 0x100;

    /// <summary>Opens the MPI library and resolves every function and handle.</summary>
    /// <exception cref="DllNotFoundException">No MPI library could be opened; the message says what to install.</exception>
    public static MpiLibrary Load()
    {
        var tried = new List<string>();
        string? chosen = Environment.GetEnvironmentVariable("MODELGEN_MPI_LIBRARY");
        IEnumerable<string> names = string.IsNullOrEmpty(chosen) ? Candidates : [chosen];
        foreach (string name in names)
        {
            nint handle = Open(name, out string? error);
            if (handle == 0)
            {
                tried.Add($"{name}: {error}");
                continue;
            }
            return Resolve(name, handle);
        }
        throw new DllNotFoundException(
            "ModelGen.Distributed could not open an MPI library (" + string.Join("; ", tried) + "). Install Open MPI " +
            "(Debian/Ubuntu: apt-get install openmpi-bin libopenmpi-dev; RHEL: dnf install openmpi) or MPICH, " +
            "or set MODELGEN_MPI_LIBRARY to the path of libmpi.so.");
    }

    private static nint Open(string name, out string? error)
    {
        error = null;
        if (!OperatingSystem.IsLinux() && !OperatingSystem.IsMacOS())
        {
            error = "only Linux and macOS are supported";
            return 0;
        }
        byte[] bytes = Encoding.UTF8.GetBytes(name + "\0");
        fixed (byte* p = bytes)
        {
            nint handle = DlOpen(p, RtldNow | RtldGlobal);
            if (handle == 0)
            {
                byte* message = DlError();
                error = message is null ? "not found" : Marshal.PtrToStringUTF8((nint)message);
            }
            return handle;
        }
    }

    private static MpiLibrary Resolve(string name, nint handle)
    {
        nint Export(string symbol) =>
            NativeLibrary.TryGetExport(handle, symbol, out nint address) ? address
            : throw new EntryPointNotFoundException($"The MPI library {name} has no symbol '{symbol}': it is not an MPI-3 library of a known ABI (Open MPI or MPICH).");

        string version = LibraryVersion((delegate* unmanaged<byte*, int*, int>)Export("MPI_Get_library_version"));
        MpiAbi abi = NativeLibrary.TryGetExport(handle, "ompi_mpi_comm_world", out _) ? MpiAbi.OpenMpi(Export)
            : version.Contains("MPICH", StringComparison.OrdinalIgnoreCase) || version.Contains("Intel", StringComparison.OrdinalIgnoreCase) || version.Contains("MVAPICH", StringComparison.OrdinalIgnoreCase) ? MpiAbi.Mpich()
            : throw new NotSupportedException($"The MPI library {name} ({version.Trim()}) is neither Open MPI nor of MPICH's ABI.");
        return new MpiLibrary
        {
            Path = name,
            Abi = abi,
            Version = version.Trim(),
            Initialized = (delegate* unmanaged<int*, int>)Export("MPI_Initialized"),
            Finalized = (delegate* unmanaged<int*, int>)Export("MPI_Finalized"),
            InitThread = (delegate* unmanaged<int*, byte***, int, int*, int>)Export("MPI_Init_thread"),
            Finalize = (delegate* unmanaged<int>)Export("MPI_Finalize"),
            CommRank = (delegate* unmanaged<nint, int*, int>)Export("MPI_Comm_rank"),
            CommSize = (delegate* unmanaged<nint, int*, int>)Export("MPI_Comm_size"),
            Bcast = (delegate* unmanaged<void*, int, nint, int, nint, int>)Export("MPI_Bcast"),
            Allreduce = (delegate* unmanaged<void*, void*, int, nint, nint, nint, int>)Export("MPI_Allreduce"),
            Iallreduce = (delegate* unmanaged<void*, void*, int, nint, nint, nint, nint*, int>)Export("MPI_Iallreduce"),
            Wait = (delegate* unmanaged<nint*, void*, int>)Export("MPI_Wait"),
            Test = (delegate* unmanaged<nint*, int*, void*, int>)Export("MPI_Test"),
            Barrier = (delegate* unmanaged<nint, int>)Export("MPI_Barrier"),
            Abort = (delegate* unmanaged<nint, int, int>)Export("MPI_Abort"),
            GetProcessorName = (delegate* unmanaged<byte*, int*, int>)Export("MPI_Get_processor_name"),
        };
    }

    private static string LibraryVersion(delegate* unmanaged<byte*, int*, int> getVersion)
    {
        byte* text = stackalloc byte[8192]; // MPI_MAX_LIBRARY_VERSION_STRING is 256 (Open MPI) or 8192 (MPICH)
        int length = 0;
        return getVersion(text, &length) == Success ? Encoding.UTF8.GetString(text, length).TrimEnd('\0') : "(unknown version)";
    }

    /// <summary>Throws when an MPI call did not return MPI_SUCCESS (with the default error handler, errors abort first).</summary>
    public static void Check(int code, string call)
    {
        if (code != Success) throw new MpiException(call, code);
    }
}
