using System;

namespace ModelGen.Distributed;

/// <summary>An MPI call returned an error code.</summary>
public sealed class MpiException : Exception
{
    /// <summary>Describes the failed call.</summary>
    public MpiException(string call, int errorCode)
        : base($"{call} failed with MPI error code {errorCode}.") => ErrorCode = errorCode;

    /// <summary>The MPI error code.</summary>
    public int ErrorCode { get; }
}
