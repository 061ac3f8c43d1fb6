"""PyTorch side of the FashionCnn comparison: the same LeNet-style network, optimizer, batch size and epochs.
Run with Debian's python3-torch: /usr/bin/python3 samples/FashionCnn/torch_lenet.py [epochs] [threads] [data folder]
Prints the time per epoch (training only, as the C# sample measures it) and the test accuracy."""
import gzip, sys, time
import numpy as np
import torch
from torch import nn

epochs = int(sys.argv[1]) if len(sys.argv) > 1 else 8
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

train_x, train_y = images("train-images-idx3-ubyte.gz"), labels("train-labels-idx1-ubyte.gz")
test_x, test_y = images("t10k-images-idx3-ubyte.gz"), labels("t10k-labels-idx1-ubyte.gz")
model = nn.Sequential(
    nn.Conv2d(1, 16, 5, padding="same"), nn.BatchNorm2d(16), nn.ReLU(), nn.MaxPool2d(2),
    nn.Conv2d(16, 32, 5), nn.BatchNorm2d(32), nn.ReLU(), nn.MaxPool2d(2),
    nn.Flatten(), nn.Linear(800, 128), nn.ReLU(), nn.Dropout(0.3), nn.Linear(128, 10))
optimizer = torch.optim.Adam(model.parameters(), lr=1e-3)
loss_fn = nn.CrossEntropyLoss()
print(f"PyTorch {torch.__version__}, {threads} threads: LeNet, {sum(p.numel() for p in model.parameters())} parameters")
total = 0.0
for epoch in range(1, epochs + 1):
    for group in optimizer.param_groups:
        group["lr"] = 1e-4 if epoch > epochs * 3 // 4 else 1e-3
    model.train()
    order = torch.randperm(len(train_y))
    start = time.perf_counter()
    for i in range(0, len(order), 64):
        idx = order[i:i + 64]
        if len(idx) < 2: break
        optimizer.zero_grad(set_to_none=True)
        loss = loss_fn(model(train_x[idx]), train_y[idx])
        loss.backward()
        optimizer.step()
    seconds = time.perf_counter() - start
    total += seconds
    model.eval()
    with torch.no_grad():
        accuracy = (model(test_x).argmax(1) == test_y).float().mean().item()
    print(f"epoch {epoch:2d}: test accuracy {accuracy:.2%}, {seconds:.1f} s ({len(order) / seconds:.0f} images/s)")
print(f"mean time per epoch {total / epochs:.1f} s")
