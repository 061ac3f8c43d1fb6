using System;
using System.IO;
using ModelGen.Distributed;
using ModelGen.Training;

namespace FashionMnist;

/// <summary>--distributed: the MPI ranks. Only this class touches ModelGen.Distributed, and only when asked.</summary>
internal static class Parallel
{
    /// <summary>The world communicator; on ranks other than 0 the console falls silent (rank 0 reports for all).</summary>
    public static ICommunicator Ranks()
    {
        MpiCommunicator world = MpiCommunicator.World;
        if (world.Rank != 0) Console.SetOut(TextWriter.Null);
        Console.WriteLine($"MPI: {world.Size} rank{(world.Size == 1 ? "" : "s")} ({world.ProcessorName}{(world.Size == 1 ? "" : " and others")}), {world.LibraryVersion.Split('\n')[0].Split(',')[0]} ({world.LibraryPath})");
        return world;
    }
}
