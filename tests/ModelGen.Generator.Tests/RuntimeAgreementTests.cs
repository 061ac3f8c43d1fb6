using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Reflection;
using ModelGen.Generator.Model;
using ModelGen.Generator.Parsing;
using ModelGen.Generator.Tests.Infrastructure;
using Xunit;

namespace ModelGen.Generator.Tests;

/// <summary>
/// The generator cannot reference the runtime, so it mirrors the runtime's enums (Model/Kinds.cs) and hard-codes the
/// attributes' defaults (ModelParser). These tests hold the two sides together: the same enum names and values, the
/// same attribute kinds, the same defaults, and every property a user can set is one the parser reads.
/// </summary>
public class RuntimeAgreementTests
{
    private static readonly Assembly Runtime = typeof(ModelAttribute).Assembly;

    public static TheoryData<Type, Type> MirroredEnums => new()
    {
        { typeof(ActivationKind), typeof(Activation) },
        { typeof(InitKind), typeof(Init) },
        { typeof(LossKind), typeof(LossFunction) },
        { typeof(PaddingKind), typeof(Padding) },
        { typeof(PrecisionKind), typeof(Precision) },
    };

    [Theory]
    [MemberData(nameof(MirroredEnums))]
    public void MirroredEnums_HaveTheRuntimesNamesAndValues(Type mirror, Type runtime)
    {
        Assert.Equal(Members(runtime), Members(mirror));
    }

    private static (string, long)[] Members(Type enumType) =>
        Enum.GetNames(enumType).Select(n => (n, Convert.ToInt64(Enum.Parse(enumType, n), CultureInfo.InvariantCulture))).OrderBy(m => m.Item2).ToArray();

    private static Type[] ConcreteSubclasses(Type baseType) =>
        Runtime.GetExportedTypes().Where(t => t.IsSubclassOf(baseType) && !t.IsAbstract).OrderBy(t => t.Name, StringComparer.Ordinal).ToArray();

    private static string KindName(Type attribute) => attribute.Name.Substring(0, attribute.Name.Length - "Attribute".Length);

    [Fact]
    public void LayerKinds_AreTheRuntimesLayerAttributes()
    {
        Assert.Equal(ConcreteSubclasses(typeof(LayerAttribute)).Select(KindName), Enum.GetNames<LayerKind>().OrderBy(n => n, StringComparer.Ordinal));
    }

    [Fact]
    public void OptimizerKinds_AreTheRuntimesOptimizerAttributes()
    {
        Assert.Equal(ConcreteSubclasses(typeof(OptimizerAttribute)).Select(KindName), Enum.GetNames<OptimizerKind>().OrderBy(n => n, StringComparer.Ordinal));
    }

    // ------------------------------------------------------------------ optimizers

    /// <summary>The optimizer kinds by name (OptimizerKind is internal, so it cannot be a public test's parameter).</summary>
    public static TheoryData<string> Optimizers()
    {
        var data = new TheoryData<string>();
        foreach (string kind in Enum.GetNames<OptimizerKind>()) data.Add(kind);
        return data;
    }

    /// <summary>OptimizerSpec's hyperparameters (not Kind and Ordinal, which say where it came from).</summary>
    private static readonly PropertyInfo[] OptimizerHyperparameters = typeof(OptimizerSpec)
        .GetProperties(BindingFlags.Public | BindingFlags.Instance)
        .Where(p => p.Name is not (nameof(OptimizerSpec.Kind) or nameof(OptimizerSpec.Ordinal)))
        .ToArray();

    private static Type RuntimeType(OptimizerKind kind) => Runtime.GetType($"ModelGen.{kind}Attribute", throwOnError: true)!;

    private static PropertyInfo[] Settable(Type attribute) =>
        attribute.GetProperties(BindingFlags.Public | BindingFlags.Instance).Where(p => p.CanWrite && p.SetMethod!.IsPublic).ToArray();

    [Theory]
    [MemberData(nameof(Optimizers))]
    public void OptimizerDefaults_AreTheRuntimeAttributesDefaults(string kindName)
    {
        OptimizerKind kind = Enum.Parse<OptimizerKind>(kindName);
        object attribute = Activator.CreateInstance(RuntimeType(kind))!;
        OptimizerSpec defaults = ModelParser.Defaults(kind, 0);

        foreach (PropertyInfo specProperty in OptimizerHyperparameters)
        {
            object? specValue = specProperty.GetValue(defaults);
            PropertyInfo? runtimeProperty = attribute.GetType().GetProperty(specProperty.Name);
            if (runtimeProperty is null)
            {
                // A hyperparameter this optimizer does not have stays at its zero value, so the generated code cannot use it by accident.
                object? zero = Activator.CreateInstance(specProperty.PropertyType);
                Assert.True(Equals(zero, specValue), $"{kind}: {specProperty.Name} is {specValue}, but [{kind}] has no such property.");
            }
            else
            {
                Assert.True(Equals(runtimeProperty.GetValue(attribute), specValue),
                    $"{kind}.{specProperty.Name}: the runtime's default is {runtimeProperty.GetValue(attribute)}, the parser assumes {specValue}.");
            }
        }
    }

    [Theory]
    [MemberData(nameof(Optimizers))]
    public void EveryOptimizerPropertyAUserCanSet_IsReadByTheParser(string kindName)
    {
        OptimizerKind kind = Enum.Parse<OptimizerKind>(kindName);
        Type type = RuntimeType(kind);
        object defaults = Activator.CreateInstance(type)!;
        PropertyInfo[] settable = Settable(type);
        Assert.NotEmpty(settable);

        // Every property set to a value different from its default; the parsed spec must hold exactly those values.
        var arguments = new List<string>();
        var expected = new Dictionary<string, object>();
        foreach (PropertyInfo p in settable)
        {
            Assert.True(OptimizerHyperparameters.Any(s => s.Name == p.Name), $"[{kind}] has the property {p.Name}, which OptimizerSpec does not have: the parser ignores it.");
            (string text, object value) = NonDefault(p.PropertyType, p.GetValue(defaults));
            arguments.Add($"{p.Name} = {text}");
            expected[p.Name] = value;
        }

        ModelSpec spec = SpecParsing.Parse($"using ModelGen; [Model] [Input(2)] [Dense(1)] [Loss(LossFunction.MeanSquaredError)] [{kind}({string.Join(", ", arguments)})] partial class M;");

        Assert.Equal(kind, spec.Optimizer!.Kind);
        foreach ((string name, object value) in expected)
            Assert.Equal(value, typeof(OptimizerSpec).GetProperty(name)!.GetValue(spec.Optimizer));
    }

    // ------------------------------------------------------------------ layers and the other attributes

    /// <summary>The simplest constructor call of each layer attribute: every required argument 2 (ints), 0.5 (doubles) or "stem" (the names of a merge).</summary>
    private static (string Arguments, object[] Values) ConstructorArguments(Type attribute)
    {
        ConstructorInfo constructor = attribute.GetConstructors().OrderBy(c => c.GetParameters().Count(p => !p.HasDefaultValue)).First();
        ParameterInfo[] required = constructor.GetParameters().Where(p => !p.HasDefaultValue).ToArray();
        object[] values = constructor.GetParameters()
            .Select(p => p.HasDefaultValue ? p.DefaultValue! : p.ParameterType == typeof(int) ? 2 : p.ParameterType == typeof(double) ? (object)0.5 : p.ParameterType == typeof(string[]) ? new[] { "stem" } : throw new NotSupportedException(p.ParameterType.Name))
            .ToArray();
        string text = string.Join(", ", required.Select((p, i) => values[i] is string[] names
            ? string.Join(", ", names.Select(n => $"\"{n}\""))
            : Convert.ToString(values[i], CultureInfo.InvariantCulture)));
        return (text, values.Select((v, i) => constructor.GetParameters()[i].ParameterType.IsEnum ? Enum.ToObject(constructor.GetParameters()[i].ParameterType, v) : v).ToArray());
    }

    public static TheoryData<Type> LayerAttributes()
    {
        var data = new TheoryData<Type>();
        foreach (Type t in ConcreteSubclasses(typeof(LayerAttribute))) data.Add(t);
        return data;
    }

    /// <summary>LayerSpec properties that describe where the layer came from, not what the user set.</summary>
    private static readonly string[] LayerBookkeeping = { nameof(LayerSpec.Kind), nameof(LayerSpec.Ordinal) };

    [Theory]
    [MemberData(nameof(LayerAttributes))]
    public void LayerDefaults_AreTheRuntimeAttributesDefaults(Type attributeType)
    {
        (string arguments, object[] values) = ConstructorArguments(attributeType);
        object attribute = Activator.CreateInstance(attributeType, values)!;

        ModelSpec spec = SpecParsing.Parse($"using ModelGen; [Model] [Input(1, 8, 8)] [{KindName(attributeType)}({arguments})] partial class M;");
        LayerSpec layer = Assert.Single(spec.Layers);

        Assert.Equal(KindName(attributeType), layer.Kind.ToString());
        foreach (PropertyInfo runtimeProperty in attributeType.GetProperties(BindingFlags.Public | BindingFlags.Instance).Where(p => p.DeclaringType != typeof(Attribute)))
        {
            PropertyInfo? specProperty = typeof(LayerSpec).GetProperty(runtimeProperty.Name);
            Assert.True(specProperty is not null, $"[{KindName(attributeType)}] has the property {runtimeProperty.Name}, which LayerSpec does not have: the parser ignores it.");
            Assert.True(Same(runtimeProperty.GetValue(attribute), specProperty!.GetValue(layer)),
                $"{KindName(attributeType)}.{runtimeProperty.Name}: the runtime's default is {runtimeProperty.GetValue(attribute)}, the parser gives {specProperty.GetValue(layer)}.");
        }
    }

    [Theory]
    [MemberData(nameof(LayerAttributes))]
    public void EveryLayerPropertyAUserCanSet_IsReadByTheParser(Type attributeType)
    {
        (string arguments, object[] values) = ConstructorArguments(attributeType);
        object defaults = Activator.CreateInstance(attributeType, values)!;

        var named = new List<string>();
        var expected = new Dictionary<string, object>();
        foreach (PropertyInfo p in Settable(attributeType))
        {
            (string text, object value) = NonDefault(p.PropertyType, p.GetValue(defaults));
            named.Add($"{p.Name} = {text}");
            expected[p.Name] = value;
        }
        Assert.Contains(nameof(LayerAttribute.Name), expected.Keys);

        string all = string.Join(", ", new[] { arguments }.Concat(named).Where(a => a.Length > 0));
        ModelSpec spec = SpecParsing.Parse($"using ModelGen; [Model] [Input(1, 8, 8)] [{KindName(attributeType)}({all})] partial class M;");
        LayerSpec layer = Assert.Single(spec.Layers);

        foreach ((string name, object value) in expected)
            Assert.True(Same(value, typeof(LayerSpec).GetProperty(name)!.GetValue(layer)), $"{KindName(attributeType)}.{name} = {value} was read as {typeof(LayerSpec).GetProperty(name)!.GetValue(layer)}.");
    }

    [Fact]
    public void HandBuiltLayerSpecDefaults_AreDenseDefaults()
    {
        // Tests and shape inference build LayerSpec values by hand; their defaults must be what [Dense(n)] means.
        var dense = new DenseAttribute(1);
        var spec = new LayerSpec(LayerKind.Dense, 0);
        Assert.Equal(dense.UseBias, spec.UseBias);
        Assert.Equal((int)dense.WeightInit, (int)spec.WeightInit);
        Assert.Equal((int)dense.BiasInit, (int)spec.BiasInit);
        Assert.Equal((int)dense.Activation, (int)spec.Activation);
        Assert.Equal((dense.L1, dense.L2), (spec.L1, spec.L2));
        Assert.Equal(new Conv2DAttribute(1, 1).Stride, spec.Stride);
    }

    [Fact]
    public void ModelDefaults_AreTheRuntimeAttributesDefaults()
    {
        var model = new ModelAttribute();
        ModelSpec spec = SpecParsing.Parse("using ModelGen; [Model] [Input(2)] [Dense(1)] partial class M;");
        Assert.Equal(model.BatchSize, spec.BatchSize);
        Assert.Equal(model.Seed, spec.Seed);
        Assert.Equal((int)model.Precision, (int)spec.Precision);
    }

    [Fact]
    public void OtherAttributes_AreRead()
    {
        ModelSpec spec = SpecParsing.Parse("""
            using ModelGen;
            [Model(BatchSize = 7, Seed = 9, Precision = Precision.Double)] [Input(3, 4, 5)] [Flatten] [Dense(1)]
            [Loss(LossFunction.BinaryCrossEntropy)] [Sgd] [GradientClipping(MaxNorm = 2.5, MaxValue = 0.125)]
            partial class M;
            """);
        Assert.Equal((7, 9, PrecisionKind.Double), (spec.BatchSize, spec.Seed, spec.Precision));
        Assert.Equal(new[] { 3, 4, 5 }, spec.Input!.Shape);
        Assert.Equal(LossKind.BinaryCrossEntropy, spec.Loss!.Kind);
        Assert.Equal((2.5, 0.125), (spec.Clipping!.MaxNorm, spec.Clipping.MaxValue));

        var clipping = new GradientClippingAttribute();
        ModelSpec plain = SpecParsing.Parse("using ModelGen; [Model] [Input(2)] [Dense(1)] [GradientClipping] partial class M;");
        Assert.Equal((clipping.MaxNorm, clipping.MaxValue), (plain.Clipping!.MaxNorm, plain.Clipping.MaxValue));
    }

    // ------------------------------------------------------------------ helpers

    /// <summary>A C# expression for a value of <paramref name="type"/> that differs from <paramref name="current"/>, and that value as the spec holds it.</summary>
    private static (string Text, object Value) NonDefault(Type type, object? current)
    {
        if (type == typeof(bool)) return (!(bool)current! ? "true" : "false", !(bool)current!);
        if (type == typeof(int)) { int v = (int)current! + 3; return (v.ToString(CultureInfo.InvariantCulture), v); }
        if (type == typeof(double)) { double v = (double)current! + 0.375; return (v.ToString("R", CultureInfo.InvariantCulture), v); }
        if (type == typeof(string)) return ("\"custom\"", "custom");
        if (type.IsEnum)
        {
            int count = Enum.GetValues(type).Length, v = (Convert.ToInt32(current, CultureInfo.InvariantCulture) + 1) % count;
            return ($"({type.Name}){v}", v);
        }
        throw new NotSupportedException($"No test value for a {type.Name} property.");
    }

    /// <summary>Equality across the runtime's enums and the generator's mirrors (compared as integers).</summary>
    private static bool Same(object? runtime, object? spec)
    {
        if (runtime is string[] names && spec is IEnumerable<string> read)
            return names.SequenceEqual(read);
        if (runtime is Enum || spec is Enum)
            return Convert.ToInt64(runtime, CultureInfo.InvariantCulture) == Convert.ToInt64(spec, CultureInfo.InvariantCulture);
        return Equals(runtime, spec);
    }
}
