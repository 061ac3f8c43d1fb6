"""PyTorch side of the FashionResNet comparison: the same residual network, optimizer, schedule, batch size and epochs.
Run with Debian's python3-torch: /usr/bin/python3 samples/FashionResNet/torch_resnet.py [epochs] [threads] [data folder]
Prints the time per epoch (training only, as the C# sample measures it) and the test accuracy."""
import gzip, math, sys, time
import numpy as np
import torch
from torch import nn

epochs = int(sys.argv[1]) if len(sys.argv) > 1 else 10
threads = int(sys.argv[2]) if len(sys.argv) > 2 else torch.get_num_threads()
folder = sys.argv[3] if len(sys.argv) > 3 else "/usr/share/datasets/fashion-mnist"
torch.set_num_threads(threads)
torch.manual_seed(1)


def images(name):
    with gzip.open(f"{folder}/{name}") as f:
        data = np.frombuffer(f.read(), np.uint8, offset=16)
    return torch.tensor(data, dtype=torch.float32).view(-1, 1, 28, 28) / 255


def labels(name):
    with gzip.open(f"{folder}/{name}") as f:
        return torch.tensor(np.frombuffer(f.read(), np.uint8, offset=8), dtype=torch.long)


def conv(cin, cout):
    layer = nn.Conv2d(cin, cout, 3, padding="same", bias=False)
    nn.init.kaiming_uniform_(layer.weight, a=0, nonlinearity="relu")  # He uniform: ±√(6/fan_in), as Init.HeUniform
    return layer


class Block(nn.Module):
    """conv → BN → ReLU → conv → BN, plus the block's input, → ReLU."""

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
batches = len(train_y) // 64  # the last short batch is dropped, as in the C# sample
total_steps, alpha = epochs * batches, 0.01
print(f"PyTorch {torch.__version__}, {threads} threads: ResNet, {sum(p.numel() for p in model.parameters())} parameters")
total, step = 0.0, 0
for epoch in range(1, epochs + 1):
    model.train()
    order = torch.randperm(len(train_y))
    start = time.perf_counter()
    for b in range(batches):
        # Keras's CosineDecay(1e-3, steps, alpha), as ModelGen's: lr = 1e-3·((1 − α)·½(1 + cos(π·s/steps)) + α)
        lr = 1e-3 * ((1 - alpha) * 0.5 * (1 + math.cos(math.pi * min(step, total_steps) / total_steps)) + alpha)
        for group in optimizer.param_groups:
            group["lr"] = lr
        idx = order[b * 64:(b + 1) * 64]
        optimizer.zero_grad(set_to_none=True)
        loss = loss_fn(model(train_x[idx]), train_y[idx])
        loss.backward()
        optimizer.step()
        step += 1
    seconds = time.perf_counter() - start
    total += seconds
    model.eval()
    with torch.no_grad():
        accuracy = sum((model(test_x[i:i + 1000]).argmax(1) == test_y[i:i + 1000]).sum().item()
                       for i in range(0, len(test_y), 1000)) / len(test_y)
    print(f"epoch {epoch:2d}: test accuracy {accuracy:.2%}, {seconds:.1f} s ({batches * 64 / seconds:.0f} images/s)")
print(f"mean time per epoch {total / epochs:.1f} s")
