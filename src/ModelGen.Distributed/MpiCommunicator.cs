using System;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Text;
using System.Threading;
using ModelGen.Distributed.Mpi;
using ModelGen.Training;

namespace ModelGen.Distributed;

/// <summary>
/// <c>MPI_COMM_WORLD</c> as an <see cref="ICommunicator"/>: every process that <c>mpirun</c> started, over the
/// system's MPI library (Open MPI, or an MPICH-ABI library), called through a thin allocation-free layer of unmanaged
/// function pointers. Hand it to the <see cref="Trainer{T}"/> (<c>Communicator = MpiCommunicator.World</c>) or to a
/// <see cref="DataParallel{T}"/>.
/// </summary>
/// <remarks>
/// <para>The first use of <see cref="World"/> opens the library and calls <c>MPI_Init_thread</c>
/// (<c>MPI_THREAD_SERIALIZED</c>); the process's exit calls <c>MPI_Finalize</c>. Nothing touches MPI before that, so a
/// program that never asks for <see cref="World"/> runs where no MPI is installed.</para>
/// <para><b>Failure.</b> From then on an exception that nothing catches, on any rank, prints
/// <c>ModelGen.Distributed: rank r of n failed: ...</c> and calls <c>MPI_Abort</c>, which ends every rank of the job;
/// a rank that dies is noticed by <c>mpirun</c>, which ends the others. No rank is left waiting in a collective.</para>
/// </remarks>
public sealed unsafe class MpiCommunicator : ICommunicator
{
    private static readonly Lock Gate = new();
    private static MpiCommunicator? _world;

    private readonly MpiLibrary _mpi;
    private readonly nint _comm;
    private nint[] _requests = new nint[16]; // outstanding MPI_Request handles (an MPICH int fits in a zeroed slot)
    private int _active;

    private MpiCommunicator(MpiLibrary mpi, nint comm, int rank, int size, int threadLevel)
    {
        _mpi = mpi;
        _comm = comm;
        Rank = rank;
        Size = size;
        ThreadLevel = threadLevel;
    }

    /// <summary>
    /// Every process of the job (<c>MPI_COMM_WORLD</c>), initializing MPI on first use.
    /// </summary>
    /// <exception cref="DllNotFoundException">No MPI library is installed (the message says what to install).</exception>
    public static MpiCommunicator World
    {
        get
        {
            lock (Gate) return _world ??= Initialize();
        }
    }

    /// <summary>
    /// Whether this process was started by an MPI launcher (<c>mpirun</c>, <c>mpiexec</c>, <c>srun</c>): the
    /// environment variables they set. Reads no library.
    /// </summary>
    public static bool IsLaunchedByMpi =>
        Environment.GetEnvironmentVariable("OMPI_COMM_WORLD_SIZE") is not null
        || Environment.GetEnvironmentVariable("PMI_SIZE") is not null
        || Environment.GetEnvironmentVariable("PMIX_RANK") is not null;

    /// <inheritdoc/>
    public int Rank { get; }

    /// <inheritdoc/>
    public int Size { get; }

    /// <summary>The thread support MPI granted (2 is <c>MPI_THREAD_SERIALIZED</c>, what is asked for).</summary>
    public int ThreadLevel { get; }

    /// <summary>Which binary interface the library has.</summary>
    public MpiImplementation Implementation => _mpi.Abi.Implementation;

    /// <summary>The library opened (its soname).</summary>
    public string LibraryPath => _mpi.Path;

    /// <summary>The library's own version text (<c>MPI_Get_library_version</c>).</summary>
    public string LibraryVersion => _mpi.Version;

    /// <summary>The name of this machine as MPI knows it.</summary>
    public string ProcessorName
    {
        get
        {
            byte* name = stackalloc byte[256]; // MPI_MAX_PROCESSOR_NAME (256 in Open MPI, 128 in MPICH)
            int length = 0;
            MpiLibrary.Check(_mpi.GetProcessorName(name, &length), "MPI_Get_processor_name");
            return Encoding.UTF8.GetString(name, length);
        }
    }

    private static MpiCommunicator Initialize()
    {
        MpiLibrary mpi = MpiLibrary.Load();
        int initialized = 0, provided = 0;
        MpiLibrary.Check(mpi.Initialized(&initialized), "MPI_Initialized");
        if (initialized == 0)
            MpiLibrary.Check(mpi.InitThread(null, null, MpiLibrary.ThreadSerialized, &provided), "MPI_Init_thread");
        else
            provided = MpiLibrary.ThreadSerialized; // initialized by someone else in this process: their choice stands
        nint comm = mpi.Abi.CommWorld;
        int rank = 0, size = 0;
        MpiLibrary.Check(mpi.CommRank(comm, &rank), "MPI_Comm_rank");
        MpiLibrary.Check(mpi.CommSize(comm, &size), "MPI_Comm_size");
        var world = new MpiCommunicator(mpi, comm, rank, size, provided);
        AppDomain.CurrentDomain.UnhandledException += (_, e) =>
            world.Abort($"failed: {e.ExceptionObject}");
        AppDomain.CurrentDomain.ProcessExit += (_, _) => world.FinalizeMpi();
        return world;
    }

    /// <inheritdoc/>
    public void AllReduceSum<TValue>(Span<TValue> values) where TValue : unmanaged
    {
        if (values.IsEmpty) return;
        fixed (TValue* p = values)
            MpiLibrary.Check(_mpi.Allreduce((void*)_mpi.Abi.InPlace, p, values.Length, _mpi.Abi.Datatype<TValue>(), _mpi.Abi.Sum, _comm), "MPI_Allreduce");
    }

    /// <inheritdoc/>
    public void Broadcast<TValue>(Span<TValue> values, int root) where TValue : unmanaged
    {
        if (values.IsEmpty) return;
        if ((uint)root >= (uint)Size) throw new ArgumentOutOfRangeException(nameof(root), root, $"The root must be a rank, 0..{Size - 1}.");
        fixed (TValue* p = values)
            MpiLibrary.Check(_mpi.Bcast(p, values.Length, _mpi.Abi.Datatype<TValue>(), root, _comm), "MPI_Bcast");
    }

    /// <inheritdoc/>
    public void StartAllReduceSum<TValue>(Span<TValue> values) where TValue : unmanaged
    {
        if (values.IsEmpty) return;
        if (_active == _requests.Length) Array.Resize(ref _requests, _requests.Length * 2);
        // The caller keeps values pinned until WaitAll (the generated models' gradients are a pinned array).
        void* data = Unsafe.AsPointer(ref MemoryMarshal.GetReference(values));
        fixed (nint* request = &_requests[_active])
        {
            *request = 0;
            MpiLibrary.Check(_mpi.Iallreduce((void*)_mpi.Abi.InPlace, data, values.Length, _mpi.Abi.Datatype<TValue>(), _mpi.Abi.Sum, _comm, request), "MPI_Iallreduce");
        }
        _active++;
    }

    /// <inheritdoc/>
    public void Progress()
    {
        int done = 0;
        fixed (nint* requests = _requests)
            for (int i = 0; i < _active; i++)
                if (requests[i] != _mpi.Abi.RequestNull)
                    MpiLibrary.Check(_mpi.Test(&requests[i], &done, null), "MPI_Test");
    }

    /// <inheritdoc/>
    public void WaitAll()
    {
        fixed (nint* requests = _requests)
            for (int i = 0; i < _active; i++)
            {
                if (requests[i] != _mpi.Abi.RequestNull)
                    MpiLibrary.Check(_mpi.Wait(&requests[i], null), "MPI_Wait");
                requests[i] = 0;
            }
        _active = 0;
    }

    /// <summary>Waits until every rank has called it.</summary>
    public void Barrier() => MpiLibrary.Check(_mpi.Barrier(_comm), "MPI_Barrier");

    /// <inheritdoc/>
    public void Abort(string message, int errorCode = 1)
    {
        try
        {
            Console.Out.Flush();
            Console.Error.WriteLine($"ModelGen.Distributed: rank {Rank} of {Size} {message}");
            Console.Error.WriteLine($"ModelGen.Distributed: rank {Rank} ends the job (MPI_Abort).");
            Console.Error.Flush();
        }
        finally
        {
            _mpi.Abort(_comm, errorCode);
        }
    }

    private void FinalizeMpi()
    {
        int finalized = 0;
        if (_mpi.Finalized(&finalized) == MpiLibrary.Success && finalized == 0) _mpi.Finalize();
    }
}
