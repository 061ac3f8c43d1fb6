"""ONNX fixtures for the importer's tests, exported by PyTorch 1.13 as a user would export them.
Run with Debian's python3-torch (no `onnx` package needed): /usr/bin/python3 tests/ModelGen.Tool.Tests/export_fixtures.py
Writes Fixtures/<name>.onnx and Fixtures/<name>.json: {"input_shape": [c, h, w] or [features], "inputs": [...],
"outputs": [...], "opset": n} with PyTorch's outputs on fixed inputs (4 samples, row-major, float32 values as floats).
Every model is tiny so the files can be committed. Models with activations that ModelGen gets in version 0.2 (GELU,
ELU, Softplus, SiLU) are in the same folder; their tests are in NewActivationImportTests.cs.pending until they merge."""
import json, math, os, sys
import torch
from torch import nn
import torch.nn.functional as F

here = os.path.dirname(os.path.abspath(__file__))
out = os.path.join(here, "Fixtures")
os.makedirs(out, exist_ok=True)
torch.manual_seed(0)


def randomize_bn(model):
    """Batch norms with non-trivial running statistics, weight and bias (fresh ones are the identity)."""
    g = torch.Generator().manual_seed(1)
    for m in model.modules():
        if isinstance(m, (nn.BatchNorm1d, nn.BatchNorm2d)):
            n = m.num_features
            m.running_mean.copy_(torch.randn(n, generator=g) * 0.3)
            m.running_var.copy_(torch.rand(n, generator=g) + 0.5)
            m.weight.data.copy_(torch.rand(n, generator=g) + 0.5)
            m.bias.data.copy_(torch.randn(n, generator=g) * 0.2)
        if isinstance(m, nn.LayerNorm) and m.elementwise_affine:
            m.weight.data.copy_(torch.rand(m.weight.shape, generator=g) + 0.5)
            m.bias.data.copy_(torch.randn(m.bias.shape, generator=g) * 0.2)


def export(name, model, shape, opset=17, samples=4, **kwargs):
    model.eval()
    randomize_bn(model)
    g = torch.Generator().manual_seed(len(name))
    x = torch.randn(samples, *shape, generator=g)
    with torch.no_grad():
        y = model(x)
    path = os.path.join(out, name + ".onnx")
    torch.onnx.export(model, x, path, opset_version=opset, input_names=["input"], output_names=["output"],
                      dynamic_axes={"input": {0: "batch"}, "output": {0: "batch"}}, **kwargs)
    with open(os.path.join(out, name + ".json"), "w") as f:
        json.dump({"input_shape": list(shape), "opset": opset, "inputs": x.flatten().tolist(),
                   "outputs": y.flatten().tolist()}, f)
    print(f"{name}: opset {opset}, {os.path.getsize(path)} bytes, output {list(y.shape)}")


class Lambda(nn.Module):
    def __init__(self, f):
        super().__init__()
        self.f = f

    def forward(self, x):
        return self.f(x)


# --- An MLP: Gemm with fused activations, a dropout (dropped), every ReLU-family activation as a layer.
def mlp():
    return nn.Sequential(nn.Linear(6, 8), nn.ReLU(), nn.Dropout(0.2), nn.Linear(8, 8), nn.Tanh(),
                         nn.Linear(8, 5), nn.Sigmoid(), nn.Linear(5, 3))


for opset in (13, 17):
    export(f"mlp_opset{opset}", mlp(), [6], opset)


# --- MatMul + Add (what a hand-written x @ W + b exports), and a MatMul without bias.
class MatMulNet(nn.Module):
    def __init__(self):
        super().__init__()
        self.w1 = nn.Parameter(torch.randn(6, 7) * 0.4)
        self.b1 = nn.Parameter(torch.randn(7) * 0.1)
        self.w2 = nn.Parameter(torch.randn(7, 4) * 0.4)

    def forward(self, x):
        h = torch.relu(x @ self.w1 + self.b1)
        return h @ self.w2


export("matmul_add", MatMulNet(), [6], 13)


# --- A residual CNN with batch norm (eval mode: PyTorch folds each batch norm into the convolution before it).
class Block(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.body = nn.Sequential(nn.Conv2d(c, c, 3, padding=1, bias=False), nn.BatchNorm2d(c), nn.ReLU(),
                                  nn.Conv2d(c, c, 3, padding=1, bias=False), nn.BatchNorm2d(c))

    def forward(self, x):
        return torch.relu(self.body(x) + x)


def resnet():
    return nn.Sequential(nn.Conv2d(2, 4, 3, padding=1, bias=False), nn.BatchNorm2d(4), nn.ReLU(), Block(4),
                         nn.MaxPool2d(2), nn.Conv2d(4, 6, 3), nn.BatchNorm2d(6), nn.LeakyReLU(0.1), nn.AvgPool2d(2),
                         nn.Flatten(), nn.Linear(6, 3))


for opset in (13, 17):
    export(f"resnet_opset{opset}", resnet(), [2, 10, 10], opset)

# The same kind of network exported without the folding: standalone BatchNormalization nodes with running statistics.
export("resnet_bn", resnet(), [2, 10, 10], 17, training=torch.onnx.TrainingMode.PRESERVE)


# --- Batch norm after a vector (never folded), global average pooling, a strided convolution, same padding of an even
# kernel via 'same' at opset 17... (not exported by 1.13 at 13), view(n, -1) as Reshape.
class Pools(nn.Module):
    def __init__(self):
        super().__init__()
        self.c1 = nn.Conv2d(1, 3, 3, stride=2)
        self.c2 = nn.Conv2d(3, 4, 3, padding=1)
        self.fc = nn.Linear(4 * 2 * 2, 5)
        self.bn = nn.BatchNorm1d(5)
        self.fc2 = nn.Linear(5, 2)

    def forward(self, x):
        x = F.max_pool2d(torch.relu(self.c1(x)), 2, stride=1)
        x = F.avg_pool2d(self.c2(x), 2)
        x = x.view(x.size(0), -1)
        return self.fc2(self.bn(self.fc(x)))


export("pools", Pools(), [1, 11, 11], 17)


class Gap(nn.Module):
    def __init__(self):
        super().__init__()
        self.c = nn.Conv2d(2, 3, 3, padding=1)
        self.fc = nn.Linear(3, 2)

    def forward(self, x):
        return self.fc(torch.flatten(F.adaptive_avg_pool2d(torch.relu(self.c(x)), 1), 1))


export("gap", Gap(), [2, 5, 5], 13)


# --- Concatenation of images (channels) and of vectors; a branch that reads the input.
class ConcatNet(nn.Module):
    def __init__(self):
        super().__init__()
        self.a = nn.Conv2d(2, 3, 3, padding=1)
        self.b = nn.Conv2d(2, 2, 1)
        self.fc1 = nn.Linear(5 * 4 * 4, 4)
        self.fc2 = nn.Linear(5 * 4 * 4, 3)
        self.fc3 = nn.Linear(7, 2)

    def forward(self, x):
        x = torch.cat([torch.relu(self.a(x)), self.b(x)], dim=1)
        x = torch.flatten(x, 1)
        return self.fc3(torch.cat([torch.tanh(self.fc1(x)), self.fc2(x)], dim=1))


for opset in (13, 17):
    export(f"concat_opset{opset}", ConcatNet(), [2, 4, 4], opset)


# --- Layer norm: LayerNormalization at opset 17, PyTorch's decomposition at opset 13; over vectors and images.
def layernorm():
    return nn.Sequential(nn.Conv2d(1, 2, 3), nn.LayerNorm([2, 3, 3]), nn.Flatten(), nn.Linear(18, 6),
                         nn.LayerNorm(6, eps=1e-3), nn.ReLU(), nn.Linear(6, 2))


for opset in (13, 17):
    export(f"layernorm_opset{opset}", layernorm(), [1, 5, 5], opset)


# --- One model per activation, as a layer and (where ModelGen has the activation) fused into the layer before.
def activation(act, fused=True):
    layers = [nn.Linear(4, 6), act] if fused else [nn.Linear(4, 6), nn.Dropout(0.1), act]
    return nn.Sequential(*layers, nn.Linear(6, 3))


acts = {
    "relu": nn.ReLU(), "tanh": nn.Tanh(), "sigmoid": nn.Sigmoid(), "softmax": nn.Softmax(dim=1),
    "leakyrelu": nn.LeakyReLU(), "leakyrelu02": nn.LeakyReLU(0.2),
    # ModelGen 0.2 activations (tests pending until [Gelu], [Elu], [Softplus], [Silu] merge)
    "gelu": nn.GELU(), "elu": nn.ELU(), "elu05": nn.ELU(0.5), "softplus": nn.Softplus(), "silu": nn.SiLU(),
}
for name, act in acts.items():
    for opset in (13, 17):
        export(f"act_{name}_opset{opset}", activation(act), [4], opset)
# The same activations where they cannot fuse: the linear layer's output is read twice (by the activation and a sum).
class Twice(nn.Module):
    def __init__(self, act):
        super().__init__()
        self.fc, self.act, self.out = nn.Linear(4, 6), act, nn.Linear(6, 3)

    def forward(self, x):
        h = self.fc(x)
        return self.out(self.act(h) + h)


for name in ("relu", "softmax", "gelu", "silu", "elu"):
    export(f"act_{name}_unfused", Twice(acts[name]), [4], 17)
# A softmax output (the usual classifier head exported with its probabilities).
export("softmax_head", nn.Sequential(nn.Linear(4, 5), nn.ReLU(), nn.Linear(5, 3), nn.Softmax(dim=-1)), [4], 13)


# --- Models ModelGen cannot express: each offending node must be named in one error.
class Unsupported(nn.Module):
    def __init__(self):
        super().__init__()
        self.dil = nn.Conv2d(1, 2, 3, dilation=2)          # dilation
        self.grp = nn.Conv2d(2, 2, 3, groups=2)            # groups
        self.fc = nn.Linear(2, 2)

    def forward(self, x):
        x = self.grp(self.dil(x))
        x = F.pad(x, (0, 1, 0, 1))                         # Pad: unsupported operator
        x = x.mean(dim=(2, 3))                             # ReduceMean outside a layer norm
        return torch.abs(self.fc(x))                       # Abs: unsupported operator


export("unsupported", Unsupported(), [1, 9, 9], 13)
# A convolution with asymmetric (stride 2) padding, and a softmax over channels of an image.
class Layouts(nn.Module):
    def __init__(self):
        super().__init__()
        self.c = nn.Conv2d(1, 2, 3, stride=2, padding=1)
        self.c2 = nn.Conv2d(2, 2, (3, 1))                  # a kernel that is not square

    def forward(self, x):
        return torch.flatten(torch.softmax(self.c2(self.c(x)), dim=1), 1)


export("layouts", Layouts(), [1, 8, 8], 17)
