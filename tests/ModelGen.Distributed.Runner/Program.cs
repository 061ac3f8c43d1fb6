using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using ModelGen.Distributed;
using ModelGen.Distributed.Runner;

// Multi-rank tests of data-parallel training, run under mpirun (see tests/ModelGen.Distributed.Tests/MpiJobTests.cs):
//   mpirun --allow-run-as-root --oversubscribe -np 3 dotnet ModelGen.Distributed.Runner.dll checks WORKDIR
//   ... hash WORKDIR         prints the weights' hash after training (two launches must print the same)
//   ... throw WORKDIR        the last rank throws mid-training: the job must end, naming the rank
//   ... die WORKDIR          the last rank is killed mid-training: the job must end
// Each check runs on every rank and throws when it fails; an unhandled exception aborts the whole job (exit code != 0).
CultureInfo.CurrentCulture = CultureInfo.InvariantCulture;
string mode = args.Length > 0 ? args[0] : "checks";
string work = args.Length > 1 ? args[1] : Path.GetTempPath();
MpiCommunicator world = MpiCommunicator.World;
var checks = new Checks(world, work);
switch (mode)
{
    case "checks":
        var clock = Stopwatch.StartNew();
        int passed = checks.RunAll();
        if (world.Rank == 0)
            Console.WriteLine($"ALL PASSED: {passed} checks on {world.Size} ranks ({world.Implementation}, {world.LibraryVersion.Split('\n')[0]}) in {clock.Elapsed.TotalSeconds:F1} s");
        break;
    case "hash":
        Console.WriteLine($"rank {world.Rank} weights {checks.TrainedHash():X16}");
        break;
    case "throw":
        checks.ThrowOnLastRank();
        break;
    case "die":
        checks.DieOnLastRank();
        break;
    default:
        throw new ArgumentException($"Unknown mode '{mode}': use checks, hash, throw or die.");
}
return 0;
