#!/usr/bin/python3
"""Writes the PyTorch reference fixtures that ModelGen.Reference.Tests compares ModelGen's generated models against.

Run from anywhere with Debian's python (PyTorch 1.13 CPU):

    /usr/bin/python3 tests/ModelGen.Reference.Tests/generate_fixtures.py

Each case below mirrors one model declared in Models.cs (same layers, loss and optimizer settings). For each case and
precision the script draws initial parameters, a training batch and a larger prediction set from a fixed seed, then
records, with full round-trip precision:

  initial_parameters                         by ModelGen's names ("dense0.weight" is [out, in] row-major, like nn.Linear)
  inputs, targets | labels                   the training batch (n rows, n <= batch_size)
  predict_inputs, predict_outputs            inference before training, on more rows than batch_size (chunking)
  steps[k]: loss, gradients, input_gradient, parameters (after the optimizer step)
  final_predict_outputs                      inference after the last step

Every tensor is flattened row-major. The output is deterministic: rerunning rewrites identical files.
"""
import json
import math
import os

import torch
import torch.nn as nn

HERE = os.path.dirname(os.path.abspath(__file__))
FIXTURES = os.path.join(HERE, "Fixtures")
STEPS = 6

# Layer specs: ("dense", units, activation, use_bias) | ("relu",) | ("tanh",) | ("sigmoid",) | ("softmax",)
# | ("leaky_relu", alpha). Dense activations are the ones of ModelGen's Activation enum; Activation.LeakyReLU on a
# Dense layer uses ModelGen's default alpha, 0.01 (the [LeakyReLU] attribute's default).
CASES = [
    dict(
        name="regression",  # [Dense(5, Tanh)] [Dense(4)] [Sigmoid] [Dense(2)], MSE, SGD momentum 0.9, wd 0.01
        batch_size=8, input_size=3, n=5, predict_rows=19,
        layers=[("dense", 5, "tanh", True), ("dense", 4, "linear", True), ("sigmoid",), ("dense", 2, "linear", True)],
        loss="mse",
        sgd=dict(lr=0.1, momentum=0.9, dampening=0.0, nesterov=False, weight_decay=0.01),
    ),
    dict(
        name="classifier",  # [Dense(6, ReLU)] [Dense(5)] [LeakyReLU(0.2)] [Dense(3)], CrossEntropy, Nesterov 0.9
        batch_size=6, input_size=4, n=6, predict_rows=14,
        layers=[("dense", 6, "relu", True), ("dense", 5, "linear", True), ("leaky_relu", 0.2),
                ("dense", 3, "linear", True)],
        loss="cross_entropy",
        sgd=dict(lr=0.2, momentum=0.9, dampening=0.0, nesterov=True, weight_decay=0.0),
    ),
    dict(
        name="binary",  # [Dense(4, Sigmoid)] [Dense(1)], BCE on logits, momentum 0.5, dampening 0.3, wd 0.05
        batch_size=8, input_size=5, n=7, predict_rows=20,
        layers=[("dense", 4, "sigmoid", True), ("dense", 1, "linear", True)],
        loss="bce",
        sgd=dict(lr=0.5, momentum=0.5, dampening=0.3, nesterov=False, weight_decay=0.05),
    ),
    dict(
        name="softmax",  # [Dense(5, LeakyReLU)] [Dense(6)] [Tanh] [Dense(4)] [Softmax], MSE, plain SGD with wd 0.02
        batch_size=4, input_size=4, n=3, predict_rows=11,
        layers=[("dense", 5, "leaky_relu", True), ("dense", 6, "linear", True), ("tanh",),
                ("dense", 4, "linear", True), ("softmax",)],
        loss="mse",
        sgd=dict(lr=0.5, momentum=0.0, dampening=0.0, nesterov=False, weight_decay=0.02),
    ),
    dict(
        name="nobias",  # [Dense(6, UseBias=false)] [ReLU] [Dense(5, Softmax, UseBias=false)] [Dense(2)], MSE, momentum 0.8
        batch_size=5, input_size=4, n=5, predict_rows=12,
        layers=[("dense", 6, "linear", False), ("relu",), ("dense", 5, "softmax", False), ("dense", 2, "linear", True)],
        loss="mse",
        sgd=dict(lr=0.3, momentum=0.8, dampening=0.0, nesterov=False, weight_decay=0.0),
    ),
]

PRECISIONS = [("double", torch.float64), ("single", torch.float32)]


def activation(kind):
    return {
        "linear": None,
        "relu": nn.ReLU(),
        "tanh": nn.Tanh(),
        "sigmoid": nn.Sigmoid(),
        "softmax": nn.Softmax(dim=1),
        "leaky_relu": nn.LeakyReLU(0.01),
    }[kind]


def build(case):
    """nn.Sequential mirroring the case, plus ModelGen's parameter names in ModelGen's order."""
    modules, names, features, dense_index = [], [], case["input_size"], 0
    for spec in case["layers"]:
        kind = spec[0]
        if kind == "dense":
            _, units, act, use_bias = spec
            linear = nn.Linear(features, units, bias=use_bias)
            modules.append(linear)
            names.append((f"dense{dense_index}.weight", linear.weight))
            if use_bias:
                names.append((f"dense{dense_index}.bias", linear.bias))
            a = activation(act)
            if a is not None:
                modules.append(a)
            features, dense_index = units, dense_index + 1
        elif kind == "leaky_relu":
            modules.append(nn.LeakyReLU(spec[1]))
        else:
            modules.append(activation(kind))
    return nn.Sequential(*modules), names, features


def flat(t):
    """Row-major list of Python floats; repr of a Python float round-trips exactly (float32 values are exact doubles)."""
    return [float(v) for v in t.detach().reshape(-1).tolist()]


def make_case(case, index, precision, dtype):
    # One seed per case, shared by both precisions: the single-precision fixture starts from the same draws, rounded.
    torch.manual_seed(1000 + index)
    net, names, outputs = build(case)
    net = net.to(torch.float64)
    with torch.no_grad():
        for _, p in names:  # spread the initial weights a little wider than nn.Linear's default, biases non-zero
            p.uniform_(-0.9, 0.9)
    n, rows, size = case["n"], case["predict_rows"], case["input_size"]
    inputs = torch.randn(n, size, dtype=torch.float64)
    predict_inputs = torch.randn(rows, size, dtype=torch.float64) * 1.5
    if case["loss"] == "cross_entropy":
        labels = torch.randint(0, outputs, (n,))
        targets = None
    elif case["loss"] == "bce":
        targets = torch.randint(0, 2, (n, outputs)).to(torch.float64)
    else:
        targets = torch.rand(n, outputs, dtype=torch.float64) if case["layers"][-1][0] == "softmax" \
            else torch.randn(n, outputs, dtype=torch.float64)

    net = net.to(dtype)
    inputs, predict_inputs = inputs.to(dtype), predict_inputs.to(dtype)
    if targets is not None:
        targets = targets.to(dtype)
    loss_fn = {"mse": nn.MSELoss(), "cross_entropy": nn.CrossEntropyLoss(), "bce": nn.BCEWithLogitsLoss()}[case["loss"]]
    sgd = case["sgd"]
    optimizer = torch.optim.SGD([p for _, p in names], lr=sgd["lr"], momentum=sgd["momentum"],
                                dampening=sgd["dampening"], nesterov=sgd["nesterov"],
                                weight_decay=sgd["weight_decay"])

    fixture = {
        "name": f"{case['name']}_{precision}",
        "precision": precision,
        "torch_version": torch.__version__,
        "batch_size": case["batch_size"],
        "input_size": size,
        "output_size": outputs,
        "samples": n,
        "loss": case["loss"],
        "sgd": sgd,
        "parameter_names": [name for name, _ in names],
        "parameter_shapes": {name: list(p.shape) for name, p in names},
        "initial_parameters": {name: flat(p) for name, p in names},
        "inputs": flat(inputs),
    }
    if targets is None:
        fixture["labels"] = [int(v) for v in labels.tolist()]
    else:
        fixture["targets"] = flat(targets)
    with torch.no_grad():
        net.eval()
        fixture["predict_inputs"] = flat(predict_inputs)
        fixture["predict_outputs"] = flat(net(predict_inputs))

    # Inputs of ReLU / LeakyReLU within a hair of 0 would make the fixture depend on rounding (the derivative jumps
    # there); record the smallest |input| seen by any of them during training and insist on a margin.
    kink = [math.inf]

    def watch(_module, args, _output):
        kink[0] = min(kink[0], float(args[0].detach().abs().min()))

    for module in net.modules():
        if isinstance(module, (nn.ReLU, nn.LeakyReLU)):
            module.register_forward_hook(watch)

    net.train()
    steps = []
    for _ in range(STEPS):
        optimizer.zero_grad()
        x = inputs.clone().requires_grad_(True)
        out = net(x)
        loss = loss_fn(out, labels if targets is None else targets)
        loss.backward()
        step = {
            "loss": float(loss.item()),
            "gradients": {name: flat(p.grad) for name, p in names},
            "input_gradient": flat(x.grad),
        }
        optimizer.step()
        step["parameters"] = {name: flat(p) for name, p in names}
        steps.append(step)
    fixture["steps"] = steps
    with torch.no_grad():
        net.eval()
        fixture["final_predict_outputs"] = flat(net(predict_inputs))

    for step in steps:  # a fixture that diverged would check nothing useful
        assert math.isfinite(step["loss"]), fixture["name"]
    assert kink[0] > 1e-4, f"{fixture['name']}: a ReLU input came within {kink[0]} of its kink; change the seed"
    return fixture


def to_json(value, indent=""):
    """JSON with one object member per line and every list on one line (readable diffs). Floats are written by
    json.dumps, that is with repr: the shortest decimal string that round-trips to the same double."""
    if isinstance(value, dict):
        inner = indent + " "
        members = [f"{inner}{json.dumps(k)}: {to_json(v, inner)}" for k, v in value.items()]
        return "{\n" + ",\n".join(members) + "\n" + indent + "}"
    if isinstance(value, list) and any(isinstance(v, (dict, list)) for v in value):
        inner = indent + " "
        return "[\n" + ",\n".join(inner + to_json(v, inner) for v in value) + "\n" + indent + "]"
    return json.dumps(value, allow_nan=False)


def main():
    torch.use_deterministic_algorithms(True)
    torch.set_num_threads(1)
    os.makedirs(FIXTURES, exist_ok=True)
    for index, case in enumerate(CASES):
        for precision, dtype in PRECISIONS:
            fixture = make_case(case, index, precision, dtype)
            path = os.path.join(FIXTURES, fixture["name"] + ".json")
            with open(path, "w", encoding="utf-8") as f:
                f.write(to_json(fixture) + "\n")
            losses = ", ".join(f"{s['loss']:.6g}" for s in fixture["steps"])
            print(f"{os.path.relpath(path, HERE)}: losses {losses}")


if __name__ == "__main__":
    main()
