"""Writes the ONNX files that the side-by-side benchmark (bench/compare.sh) runs with ONNX Runtime: the models of
tests/ModelGen.Benchmarks/Models.cs built in PyTorch, in eval mode, input "input" and output "logits" (no softmax),
the batch axis dynamic, so one file serves batch 1 and batch 64.

  mlp128.onnx   784 -> 128 ReLU -> 10
  mlp512.onnx   784 -> 512 ReLU -> 512 ReLU -> 10
  mlp1024.onnx  784 -> 1024 ReLU -> 1024 ReLU -> 10
  lenet.onnx    [1, 28, 28] -> conv 5x5 16 (padding 2) -> BN -> ReLU -> max pool 2 -> conv 5x5 32 -> BN -> ReLU
                -> max pool 2 -> flatten 800 -> 128 ReLU -> dropout 0.3 -> 10   (samples/FashionCnn's network)

The files are a cache (bench/.onnx/ by default, ignored by git): a file newer than this script is kept unless --force.
The weights are random (seed 0); batch norm's running statistics are set to non-trivial values so that nothing folds
away that would not fold in a trained model. Usage:
  /usr/bin/python3 bench/export_onnx.py [--out DIR] [--opset 13|17] [--force] [--only mlp128,lenet]
Needs PyTorch (Debian: apt-get install python3-torch); exits with 3 when torch cannot be imported.
"""
import argparse
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))


def build(key, nn):
    def mlp(sizes):
        layers = []
        for i, (a, b) in enumerate(zip(sizes, sizes[1:])):
            layers.append(nn.Linear(a, b))
            if i < len(sizes) - 2:
                layers.append(nn.ReLU())
        return nn.Sequential(*layers), [784]

    if key == "mlp128":
        return mlp([784, 128, 10])
    if key == "mlp512":
        return mlp([784, 512, 512, 10])
    if key == "mlp1024":
        return mlp([784, 1024, 1024, 10])
    if key == "lenet":
        # padding=2 rather than padding="same": the latter does not export at opset 13 in PyTorch 1.13.
        return nn.Sequential(
            nn.Conv2d(1, 16, 5, padding=2), nn.BatchNorm2d(16), nn.ReLU(), nn.MaxPool2d(2),
            nn.Conv2d(16, 32, 5), nn.BatchNorm2d(32), nn.ReLU(), nn.MaxPool2d(2),
            nn.Flatten(), nn.Linear(800, 128), nn.ReLU(), nn.Dropout(0.3), nn.Linear(128, 10)), [1, 28, 28]
    raise ValueError(key)


KEYS = ["mlp128", "mlp512", "mlp1024", "lenet"]


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--out", default=os.path.join(HERE, ".onnx"), help="folder of the .onnx files (default bench/.onnx)")
    parser.add_argument("--opset", type=int, default=13, choices=[13, 17])
    parser.add_argument("--force", action="store_true", help="export even when a file is newer than this script")
    parser.add_argument("--only", default=",".join(KEYS), help="comma-separated subset of " + ",".join(KEYS))
    args = parser.parse_args()

    try:
        import torch
        from torch import nn
    except ImportError as e:
        print(f"export_onnx.py: PyTorch not available ({e}); no ONNX files written", file=sys.stderr)
        return 3

    os.makedirs(args.out, exist_ok=True)
    script_time = os.path.getmtime(os.path.abspath(__file__))
    torch.set_num_threads(1)
    for key in args.only.split(","):
        if key not in KEYS:
            print(f"export_onnx.py: unknown model '{key}' (known: {', '.join(KEYS)})", file=sys.stderr)
            return 2
        path = os.path.join(args.out, key + ".onnx")
        if not args.force and os.path.exists(path) and os.path.getmtime(path) >= script_time:
            print(f"{path}: up to date")
            continue
        torch.manual_seed(0)
        model, sample_shape = build(key, nn)
        with torch.no_grad():
            for m in model.modules():
                if isinstance(m, nn.BatchNorm2d):
                    m.running_mean.uniform_(-0.1, 0.1)
                    m.running_var.uniform_(0.5, 1.5)
        model.eval()
        example = torch.randn(2, *sample_shape)
        tmp = path + ".tmp"
        torch.onnx.export(
            model, example, tmp, opset_version=args.opset, do_constant_folding=True,
            input_names=["input"], output_names=["logits"],
            dynamic_axes={"input": {0: "batch"}, "logits": {0: "batch"}})
        os.replace(tmp, path)
        with torch.no_grad():
            shape = tuple(model(example).shape)
        print(f"{path}: exported (opset {args.opset}, input [batch, {', '.join(map(str, sample_shape))}], "
              f"logits {list(shape[1:])} per sample, {os.path.getsize(path) / 1024:.0f} KiB)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
