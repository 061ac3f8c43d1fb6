using Xunit;

namespace ModelGen.Fuzz.Tests.Declarations;

/// <summary>
/// Minimal reproducers of the failure classes the declaration fuzzer found on the code of 2026-11-29 (one per class, made
/// readable by hand from the minimized case), and a valid control. <see cref="DeclarationFuzzTests.Found_by_the_fuzzer"/>
/// runs each through every check of <see cref="DeclarationOracle"/>.
/// </summary>
public static class DeclarationRegressions
{
    public static TheoryData<string, string> Cases => new()
    {
        { "control: a valid model", "using ModelGen;\n\n[Model]\n[Input(2)]\n[Dense(1)]\npublic partial class M;\n" },
        { "hint names: two models whose names differ only in case", "using ModelGen;\n\n[Model]\n[Input(2)]\n[Dense(1)]\npublic partial class Net;\n\n[Model]\n[Input(2)]\n[Dense(1)]\npublic partial class NET;\n" },
        { "hint names: namespaces that differ only in case", "using ModelGen;\n\nnamespace A\n{\n    [Model]\n    [Input(2)]\n    [Dense(1)]\n    public partial class M;\n}\n\nnamespace a\n{\n    [Model]\n    [Input(2)]\n    [Dense(1)]\n    public partial class M;\n}\n" },
        { "hint names: namespace A.B and class A.B give one full name", "using ModelGen;\n\nnamespace A.B\n{\n    [Model]\n    [Input(2)]\n    [Dense(1)]\n    public partial class M;\n}\n\nnamespace A\n{\n    public partial class B\n    {\n        [Model]\n        [Input(2)]\n        [Dense(1)]\n        public partial class M;\n    }\n}\n" },
        { "compiler error in an attribute: a second [Model]", "using ModelGen;\n\n[Model]\n[Model]\npublic partial class M;\n" },
        { "compiler error in an attribute: decimal for double", "using ModelGen;\n\n[Model]\n[Sgd(LearningRate = 0.1m)]\npublic partial class M;\n" },
        { "compiler error in an attribute: [Model] on an enum", "using ModelGen;\n\n[Model]\n[Input(2)]\n[Dense(1)]\npublic enum E { A }\n" },
        { "user member: an event named ApplyGradients", "using ModelGen;\n\n[Model]\n[Input(2)]\n[Dense(1)]\n[Loss(LossFunction.MeanSquaredError)]\n[Sgd]\npublic partial class M\n{\n    public event System.Action? ApplyGradients;\n}\n" },
        { "user member: a field named Rows", "using ModelGen;\n\n[Model]\n[Input(2)]\n[Dense(1)]\npublic partial class M\n{\n    public int Rows;\n}\n" },
        { "user member: a property named Step", "using ModelGen;\n\n[Model]\n[Input(2)]\n[Dense(1)]\n[Loss(LossFunction.MeanSquaredError)]\n[Sgd]\npublic partial class M\n{\n    public long Step { get; set; }\n}\n" },
        { "user member: a nested class named Predict", "using ModelGen;\n\n[Model]\n[Input(2)]\n[Dense(1)]\npublic partial class M\n{\n    public class Predict { }\n}\n" },
        { "user member: a const named InputSize", "using ModelGen;\n\n[Model]\n[Input(2)]\n[Dense(1)]\npublic partial class M\n{\n    public const int InputSize = 1;\n}\n" },
        { "user member: a field named like a generated buffer", "using ModelGen;\n\n[Model]\n[Input(2)]\n[Dense(1)]\npublic partial class M\n{\n    private float[] _dense0Output = new float[1];\n}\n" },
        { "user member: a method named like a tensor property", "using ModelGen;\n\n[Model]\n[Input(2)]\n[Dense(1)]\npublic partial class M\n{\n    public void Dense0Weight() { }\n}\n" },
        { "base class without a parameterless constructor", "using ModelGen;\n\npublic class Base { protected Base(string s) { } }\n\n[Model]\n[Input(2)]\n[Dense(1)]\npublic partial class M : Base;\n" },
        { "base class with a member the model hides", "using ModelGen;\n\npublic class Base { public int Rows; }\n\n[Model]\n[Input(2)]\n[Dense(1)]\npublic partial class M : Base;\n" },
        { "primary constructor with two int parameters", "using ModelGen;\n\n[Model]\n[Input(2)]\n[Dense(1)]\npublic partial class M(int a, int b);\n" },
        { "primary constructor with a string parameter", "using ModelGen;\n\n[Model]\n[Input(2)]\n[Dense(1)]\npublic partial class M(string name);\n" },
        { "file-local class", "using ModelGen;\n\n[Model]\n[Input(2)]\n[Dense(1)]\nfile partial class M;\n" },
        { "class named var", "using ModelGen;\n\n[Model]\n[Input(2)]\n[Dense(1)]\npublic partial class var;\n" },
        { "class named System", "using ModelGen;\n\n[Model]\n[Input(2)]\n[Dense(1)]\npublic partial class System;\n" },
        { "class with no name", "using ModelGen;\n\n[Model]\n[Input(2)]\n[Dense(1)]\npublic partial class\n{\n}\n" },
        { "namespace with no name", "using ModelGen;\n\nnamespace\n{\n    [Model]\n    [Input(2)]\n    [Dense(1)]\n    public partial class M;\n}\n" },
        { "user's model declares IModel<double> on a float model", "using ModelGen;\n\n[Model]\n[Input(2)]\n[Dense(1)]\npublic partial class M : global::ModelGen.IModel<double>;\n" },
        { "overflow: Conv2D(65536, 1) on a 256x256 image wraps OutputSize", "using ModelGen;\n\n[Model(BatchSize = 1)]\n[Input(1, 256, 256)]\n[Conv2D(65536, 1)]\npublic partial class M;\n" },
        { "overflow: the im2col columns of a large same-padded kernel", "using ModelGen;\n\n[Model(BatchSize = 1)]\n[Input(256, 128, 128)]\n[Conv2D(1, 64, Padding = Padding.Same)]\n[Flatten]\n[Dense(2)]\n[Loss(LossFunction.MeanSquaredError)]\n[Sgd]\npublic partial class M;\n" },
        { "float overflow: a learning rate of 1e39", "using ModelGen;\n\n[Model]\n[Input(2)]\n[Dense(1)]\n[Loss(LossFunction.MeanSquaredError)]\n[Sgd(LearningRate = 1e39)]\npublic partial class M;\n" },
        { "float overflow: a momentum of 1e39", "using ModelGen;\n\n[Model]\n[Input(2)]\n[Dense(1)]\n[Loss(LossFunction.MeanSquaredError)]\n[Sgd(Momentum = 1e39)]\npublic partial class M;\n" },
        { "float overflow: a leaky slope of 1e39", "using ModelGen;\n\n[Model]\n[Input(2)]\n[LeakyReLU(1e39)]\npublic partial class M;\n" },
    };
}
