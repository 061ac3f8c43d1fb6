"""PyTorch side of the CNN case of the ModelGen benchmarks (the network of samples/FashionCnn/LeNet.cs), timed the way
../shared/bench/torch_mlp.py times its MLPs: 20 warm-up steps, Adam steps for 2 s on one fixed random batch of 64,
then batch-1 inference (eval mode) for 1 s. Same output format. Usage: /usr/bin/python3 torch_lenet_step.py [threads]"""
import sys, time, torch
from torch import nn
threads = int(sys.argv[1]) if len(sys.argv) > 1 else 1
torch.set_num_threads(threads)
torch.manual_seed(0)
b = 64
m = nn.Sequential(
    nn.Conv2d(1, 16, 5, padding="same"), nn.BatchNorm2d(16), nn.ReLU(), nn.MaxPool2d(2),
    nn.Conv2d(16, 32, 5), nn.BatchNorm2d(32), nn.ReLU(), nn.MaxPool2d(2),
    nn.Flatten(), nn.Linear(800, 128), nn.ReLU(), nn.Dropout(0.3), nn.Linear(128, 10))
opt = torch.optim.Adam(m.parameters(), lr=1e-3)
lf = nn.CrossEntropyLoss()
x = torch.randn(b, 1, 28, 28)
y = torch.randint(0, 10, (b,))
# multiply-adds per sample, counted as in·out per output position (Cases.cs counts the same)
macs = 28 * 28 * 16 * 25 + 10 * 10 * 32 * 16 * 25 + 800 * 128 + 128 * 10
name = "lenet_b64"
m.train()
def step():
    opt.zero_grad(set_to_none=True)
    l = lf(m(x), y); l.backward(); opt.step()
for _ in range(20): step()
n = 0; t0 = time.perf_counter()
while time.perf_counter() - t0 < 2.0:
    step(); n += 1
dt = (time.perf_counter() - t0) / n
print(f"{name}\tthreads={threads}\t{1/dt:.0f} steps/s\t{dt*1e6:.1f} us/step\t{6*b*macs/dt/1e9:.2f} GFLOP/s")
m.eval()
xi = torch.randn(1, 1, 28, 28)
with torch.no_grad():
    for _ in range(100): m(xi)
    n = 0; t0 = time.perf_counter()
    while time.perf_counter() - t0 < 1.0:
        m(xi); n += 1
print(f"{name}\tinfer_b1\t{(time.perf_counter()-t0)/n*1e6:.1f} us/sample")
