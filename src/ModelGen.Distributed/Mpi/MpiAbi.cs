using System;

namespace ModelGen.Distributed.Mpi;

/// <summary>The MPI implementations whose binary interface the layer knows.</summary>
public enum MpiImplementation
{
    /// <summary>Open MPI (4.x, 5.x): handles are pointers to the library's predefined objects (<c>ompi_mpi_comm_world</c>, ...).</summary>
    OpenMpi,
    /// <summary>
    /// MPICH and its derivatives that keep its ABI (Intel MPI, MVAPICH, Cray MPICH): handles are 32-bit integer
    /// constants of <c>mpi.h</c>.
    /// </summary>
    Mpich,
}

/// <summary>
/// The handle values one MPI implementation's C API takes, as a table: the one thing the two big ABIs disagree on for
/// the calls this layer makes (the function names and argument orders are the MPI standard's). Handles travel as
/// <see cref="nint"/>: an MPICH handle is a C <c>int</c>, which the x86-64 System V and AArch64 calling conventions pass
/// in the same registers and stack slots as a 64-bit value (the callee reads the low 32 bits). An
/// <c>MPI_Request</c> is written by the library into an 8-byte slot that starts zeroed, so either width fits.
/// </summary>
internal sealed class MpiAbi
{
    public required MpiImplementation Implementation { get; init; }
    public required nint CommWorld { get; init; }
    public required nint Float { get; init; }
    public required nint Double { get; init; }
    public required nint Int32 { get; init; }
    public required nint Int64 { get; init; }
    public required nint Sum { get; init; }
    /// <summary><c>MPI_IN_PLACE</c>: <c>(void*)1</c> in Open MPI, <c>(void*)-1</c> in MPICH.</summary>
    public required nint InPlace { get; init; }
    /// <summary><c>MPI_REQUEST_NULL</c>, what a completed request slot holds.</summary>
    public required nint RequestNull { get; init; }

    /// <summary>Open MPI: the predefined handles are the addresses of exported objects.</summary>
    public static MpiAbi OpenMpi(Func<string, nint> export) => new()
    {
        Implementation = MpiImplementation.OpenMpi,
        CommWorld = export("ompi_mpi_comm_world"),
        Float = export("ompi_mpi_float"),
        Double = export("ompi_mpi_double"),
        Int32 = export("ompi_mpi_int"),
        Int64 = export("ompi_mpi_int64_t"),
        Sum = export("ompi_mpi_op_sum"),
        InPlace = 1,
        RequestNull = export("ompi_request_null"),
    };

    /// <summary>
    /// MPICH (3.x, 4.x) <c>mpi.h</c>: <c>MPI_COMM_WORLD</c> 0x44000000, <c>MPI_FLOAT</c> 0x4c00040a, <c>MPI_DOUBLE</c>
    /// 0x4c00080b, <c>MPI_INT</c> 0x4c000405, <c>MPI_INT64_T</c> 0x4c00083a, <c>MPI_SUM</c> 0x58000003,
    /// <c>MPI_REQUEST_NULL</c> 0x2c000000, <c>MPI_IN_PLACE</c> (void*)-1. Not exercised by the tests here (they run
    /// on Open MPI): the table is the whole of the second backend.
    /// </summary>
    public static MpiAbi Mpich() => new()
    {
        Implementation = MpiImplementation.Mpich,
        CommWorld = 0x44000000,
        Float = 0x4c00040a,
        Double = 0x4c00080b,
        Int32 = 0x4c000405,
        Int64 = 0x4c00083a,
        Sum = 0x58000003,
        InPlace = -1,
        RequestNull = 0x2c000000,
    };

    /// <summary>The datatype handle of an element type the layer supports.</summary>
    public nint Datatype<TValue>() where TValue : unmanaged =>
        typeof(TValue) == typeof(float) ? Float
        : typeof(TValue) == typeof(double) ? Double
        : typeof(TValue) == typeof(int) ? Int32
        : typeof(TValue) == typeof(long) ? Int64
        : throw new NotSupportedException($"MPI element type {typeof(TValue).Name} is not supported: use float, double, int or long.");
}
