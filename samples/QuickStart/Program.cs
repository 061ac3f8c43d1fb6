using System;
using System.Diagnostics;
using System.Linq;
using QuickStart;

// ModelGen quick start: two tiny models trained from scratch, each in well under a second.
// Usage: dotnet run -c Release --project samples/QuickStart   (no arguments; --help prints this)
const string Usage =
    """
    Usage: dotnet run -c Release --project samples/QuickStart
      --help, -h  print this text and exit
    Trains two tiny models from scratch (Models.cs): XOR (2-8-1 tanh, SGD with momentum) and y = sin(x) on [-pi, pi]
    (1-32-32-1 tanh, SGD with Nesterov momentum), printing the loss as they learn and their predictions.
    """;
if (args.Length > 0)
{
    bool help = args.Length == 1 && args[0] is "--help" or "-h";
    if (!help) Console.Error.WriteLine($"QuickStart: takes no arguments (found '{string.Join(' ', args)}').");
    (help ? Console.Out : Console.Error).WriteLine(Usage);
    return help ? 0 : 2;
}
var clock = Stopwatch.StartNew();

// ---- XOR: the four corners of the unit square; the output is 1 when exactly one input is 1.
float[] xorInputs = [0, 0, 0, 1, 1, 0, 1, 1];
float[] xorTargets = [0, 1, 1, 0];
var xor = new Xor();
Console.WriteLine($"XOR: {Xor.InputSize}-8-{Xor.OutputSize} tanh network, {Xor.ParameterCount} parameters, SGD with momentum");
for (int epoch = 0; epoch <= 300; epoch++)
{
    float loss = xor.TrainStep(xorInputs, xorTargets);
    if (epoch % 50 == 0) Console.WriteLine($"  step {epoch,4}  loss {loss:F6}");
}
float[] xorOutputs = new float[4];
xor.Predict(xorInputs, xorOutputs);
for (int i = 0; i < 4; i++)
    Console.WriteLine($"  {xorInputs[2 * i]} xor {xorInputs[2 * i + 1]} = {xorTargets[i]}   predicted {xorOutputs[i]:F3}");
Console.WriteLine($"  ({clock.Elapsed.TotalMilliseconds:F0} ms so far)");

// ---- sin(x) on [-π, π]: 256 evenly spaced points, minibatches of 64, shuffled each epoch.
const int points = 256;
float[] x = new float[points], y = new float[points];
for (int i = 0; i < points; i++)
{
    x[i] = (float)(-Math.PI + 2 * Math.PI * i / (points - 1));
    y[i] = MathF.Sin(x[i]);
}
var sine = new Sine();
Console.WriteLine($"sin(x): 1-32-32-1 tanh network, {Sine.ParameterCount} parameters, SGD with Nesterov momentum, batches of {Sine.BatchSize}");
int[] order = new int[points];
for (int i = 0; i < points; i++) order[i] = i;
float[] batchX = new float[Sine.BatchSize], batchY = new float[Sine.BatchSize];
var shuffle = new Random(3);
for (int epoch = 0; epoch <= 400; epoch++)
{
    shuffle.Shuffle(order);
    for (int start = 0; start < points; start += Sine.BatchSize)
    {
        for (int j = 0; j < Sine.BatchSize; j++)
        {
            batchX[j] = x[order[start + j]];
            batchY[j] = y[order[start + j]];
        }
        sine.TrainStep(batchX, batchY);
    }
    if (epoch % 80 == 0) Console.WriteLine($"  epoch {epoch,4}  loss {sine.Evaluate(x, y):F6}");
}
float[] probe = [-3f, -1.5f, 0f, 0.5f, 2f];
float[] predicted = new float[probe.Length];
sine.Predict(probe, predicted);
foreach (var (px, py) in probe.Zip(predicted))
    Console.WriteLine($"  sin({px,5:F2}) = {MathF.Sin(px),7:F4}   predicted {py,7:F4}");
Console.WriteLine($"Done in {clock.Elapsed.TotalMilliseconds:F0} ms.");
return 0;
