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
        { "names: a namespace named nameof (the generated code's nameof(...) bound to it)", "using ModelGen;\nnamespace nameof;\n[Model]\n[Input(2)]\n[Dense(1)]\npublic partial class M;\n" },
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
        { "the discard '_' in generated code when the namespace is '_'", "using ModelGen;\n\nnamespace _\n{\n    [Model]\n    [Input(2)]\n    [Dense(1)]\n    public partial class M;\n}\n" },
        { "base class with an abstract member named like a tensor property", "using ModelGen;\n\npublic abstract class Base { public abstract int Dense0Bias { get; } }\n\n[Model]\n[Input(2)]\n[Dense(1)]\n[Loss(LossFunction.MeanSquaredError)]\n[Sgd]\npublic partial class M : Base;\n" },
        { "base class with a method named like a private helper field", "using ModelGen;\n\npublic class Base { public virtual void _dense0PackedWeight() { } }\n\n[Model]\n[Input(2)]\n[Dense(1)]\npublic partial class M : Base;\n" },
        { "base class with a private parameterless constructor", "using ModelGen;\n\npublic class Base { private Base() { } }\n\n[Model]\n[Input(2)]\n[Dense(1)]\npublic partial class M : Base;\n" },
        { "class named await", "using ModelGen;\n\n[Model]\n[Input(2)]\n[Dense(1)]\npublic partial class await;\n" },
        { "class named record", "using ModelGen;\n\n[Model]\n[Input(2)]\n[Dense(1)]\npublic partial class record;\n" },
        { "user member: a const named like a tensor property", "using ModelGen;\n\n[Model]\n[Input(2)]\n[Dense(1)]\npublic partial class M\n{\n    public const int Dense0Weight = 1;\n}\n" },
        { "overflow: the input size check itself overflows long (negative array sizes in generated code)", "using ModelGen;\n\n[Model]\n[Input(1073741823, 3, 2147483647)]\n[Flatten]\npublic partial class M;\n" },
        { "overflow: Concat's size overflows int (the generator and the analyzer throw)", "using ModelGen;\n\n[Model]\n[Input(2147483647, 3, 2147483647)]\n[Dropout(0.5)]\n[Concat(\"dropout0\")]\npublic partial class M;\n" },
        { "overflow: ParameterCount's sum overflows int (the generator throws)", "using ModelGen;\n\n[Model]\n[Input(268435456, 4, 2147483647)]\n[AvgPool2D(3)]\n[LayerNorm]\npublic partial class M;\n" },
        { "overflow: a kernel of int.MaxValue with Padding.Same (im2col columns)", "using ModelGen;\n\n[Model(Precision = Precision.Double)]\n[Input(3, 3, 4)]\n[AvgPool2D(3)]\n[Conv2D(4096, 2147483647, Padding = Padding.Same)]\n[Flatten]\n[Loss(LossFunction.MeanSquaredError)]\n[AdamW]\npublic partial class M;\n" },
        { "compiler error in an attribute: an unknown named argument in [Model]", "using ModelGen;\n\n[Model(Bogus = 1)]\n[Input(2)]\npublic partial class M;\n" },
        { "compiler error in an attribute: a syntax error in [MaxPool2D]", "using ModelGen;\n\n[Model]\n[Input(1, 4, 4)]\n[MaxPool2D({3)]\n[Dense(1)]\npublic partial class M;\n" },
    };
}
