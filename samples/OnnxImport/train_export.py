"""Trains the residual Fashion-MNIST network of samples/FashionResNet in PyTorch (briefly, on the bundled subset), exports
it to ONNX and records PyTorch's figures on the test subset, for the OnnxImport sample to compare against.
Run with Debian's python3-torch (no `onnx` package needed):
    /usr/bin/python3 samples/OnnxImport/train_export.py [epochs]
Writes fashion_resnet.onnx (opset 17, dynamic batch axis, exported in eval mode: PyTorch folds each batch norm into the
convolution before it) and pytorch_reference.json (test-subset accuracy, predicted classes, the first 100 logits).
Then `modelgen import` turns the .onnx file into Models/FashionResNet.cs and Models/FashionResNet.safetensors."""
import gzip, json, os, sys
import numpy as np
import torch
from torch import nn

here = os.path.dirname(os.path.abspath(__file__))
data = os.path.join(here, "..", "FashionMnist", "data")
epochs = int(sys.argv[1]) if len(sys.argv) > 1 else 2
torch.manual_seed(1)
torch.set_num_threads(2)


def images(name):
    with gzip.open(os.path.join(data, name)) as f:
        pixels = np.frombuffer(f.read(), np.uint8, offset=16)
    # Pixel · (1/255) in double, then rounded to float: the values ModelGen's Idx.Load<float> gives.
    return torch.tensor(pixels.astype(np.float64) * (1.0 / 255.0), dtype=torch.float32).view(-1, 1, 28, 28)


def labels(name):
    with gzip.open(os.path.join(data, name)) as f:
        return torch.tensor(np.frombuffer(f.read(), np.uint8, offset=8), dtype=torch.long)


def conv(cin, cout):
    # padding=1 rather than padding="same": PyTorch 1.13 does not export "same"; for a 3x3 kernel they are equal.
    layer = nn.Conv2d(cin, cout, 3, padding=1, bias=False)
    nn.init.kaiming_uniform_(layer.weight, a=0, nonlinearity="relu")
    return layer


class Block(nn.Module):
    """conv → BN → ReLU → conv → BN, plus the block's input, → ReLU (samples/FashionResNet/ResNet.cs)."""

    def __init__(self, channels):
        super().__init__()
        self.body = nn.Sequential(conv(channels, channels), nn.BatchNorm2d(channels), nn.ReLU(),
                                  conv(channels, channels), nn.BatchNorm2d(channels))

    def forward(self, x):
        return torch.relu(self.body(x) + x)


model = nn.Sequential(
    conv(1, 16), nn.BatchNorm2d(16), nn.ReLU(), Block(16), nn.MaxPool2d(2),
    conv(16, 32), nn.BatchNorm2d(32), nn.ReLU(), Block(32), nn.MaxPool2d(2),
    nn.Flatten(), nn.Dropout(0.3), nn.Linear(32 * 7 * 7, 10))
train_x, train_y = images("train-images-idx3-ubyte.gz"), labels("train-labels-idx1-ubyte.gz")
test_x, test_y = images("t10k-images-idx3-ubyte.gz"), labels("t10k-labels-idx1-ubyte.gz")
optimizer = torch.optim.Adam(model.parameters(), lr=1e-3)
loss_fn = nn.CrossEntropyLoss()
print(f"PyTorch {torch.__version__}: {sum(p.numel() for p in model.parameters())} parameters, "
      f"{len(train_y)} training and {len(test_y)} test images, {epochs} epochs")
for epoch in range(1, epochs + 1):
    model.train()
    order = torch.randperm(len(train_y))
    for b in range(len(train_y) // 64):
        idx = order[b * 64:(b + 1) * 64]
        optimizer.zero_grad(set_to_none=True)
        loss = loss_fn(model(train_x[idx]), train_y[idx])
        loss.backward()
        optimizer.step()
    print(f"epoch {epoch}: last batch loss {loss.item():.4f}")

model.eval()
with torch.no_grad():
    logits = torch.cat([model(test_x[i:i + 500]) for i in range(0, len(test_y), 500)])
predicted = logits.argmax(1)
accuracy = (predicted == test_y).float().mean().item()
print(f"PyTorch test accuracy on the subset: {accuracy:.2%}")
torch.onnx.export(model, test_x[:2], os.path.join(here, "fashion_resnet.onnx"), opset_version=17,
                  input_names=["image"], output_names=["logits"],
                  dynamic_axes={"image": {0: "batch"}, "logits": {0: "batch"}})
with open(os.path.join(here, "pytorch_reference.json"), "w") as f:
    json.dump({"torch": torch.__version__, "epochs": epochs, "test_images": len(test_y),
               "correct": int((predicted == test_y).sum().item()), "accuracy": accuracy,
               "predicted": predicted.tolist(), "first_logits": logits[:100].flatten().tolist()}, f)
print("wrote fashion_resnet.onnx and pytorch_reference.json")
