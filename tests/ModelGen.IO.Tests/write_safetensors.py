#!/usr/bin/env python3
"""Writes the safetensors fixtures of ModelGen.IO.Tests by hand, with torch tensors packed exactly per the format.

The Python `safetensors` package is not installable here, so this script does what its `save_file` does: an 8-byte
little-endian header length N, N bytes of compact UTF-8 JSON (metadata first, then the tensors in the given order, each
{"dtype", "shape", "data_offsets"}) padded with spaces so the data starts 8-byte aligned, then the row-major
little-endian data of each tensor, contiguous. (Unlike save_file, the tensors keep the given order instead of being
sorted by dtype and name, and metadata keys are sorted, which is what ModelGen's writer does.)

The values are duplicated in FixtureTensors.cs; change both together. Run with Debian's python3-torch:
    /usr/bin/python3 tests/ModelGen.IO.Tests/write_safetensors.py
"""
import json
import math
import os
import struct

import torch

DTYPES = {torch.float32: "F32", torch.float64: "F64", torch.int32: "I32", torch.int64: "I64"}


def pack(tensors, metadata=None):
    """tensors: list of (name, torch tensor) in file order; returns the file's bytes."""
    header = {}
    if metadata:
        header["__metadata__"] = {key: metadata[key] for key in sorted(metadata)}
    blobs = []
    offset = 0
    for name, tensor in tensors:
        array = tensor.contiguous().numpy()
        data = array.astype(array.dtype.newbyteorder("<"), copy=False).tobytes()  # little-endian, row-major
        header[name] = {"dtype": DTYPES[tensor.dtype], "shape": list(tensor.shape),
                        "data_offsets": [offset, offset + len(data)]}
        blobs.append(data)
        offset += len(data)
    text = json.dumps(header, separators=(",", ":"), ensure_ascii=False).encode("utf-8")
    text += b" " * ((8 - len(text) % 8) % 8)
    return struct.pack("<Q", len(text)) + text + b"".join(blobs)


def f32_tensors():
    return [
        ("dense0.weight", torch.tensor([[0.5, -1.25, 3.0], [0.001, 0.1, -0.0]], dtype=torch.float32)),
        ("dense0.bias", torch.tensor([1e-40, 3.4028234663852886e38], dtype=torch.float32)),  # subnormal, max
        ("special", torch.tensor([math.nan, math.inf, -math.inf], dtype=torch.float32)),
    ]


def f64_tensors():
    return [
        ("conv2d0.weight", torch.tensor([i * 0.1 - 0.35 for i in range(8)], dtype=torch.float64).reshape(2, 1, 2, 2)),
        ("batchnorm0.running_var", torch.tensor([0.1, 1.0 / 3.0, -2.5e-300], dtype=torch.float64)),
        ("scalar", torch.tensor(math.pi, dtype=torch.float64)),
    ]


def main():
    folder = os.path.join(os.path.dirname(os.path.abspath(__file__)), "Fixtures")
    os.makedirs(folder, exist_ok=True)
    files = {
        "torch_written_f32.safetensors": pack(f32_tensors(), {"format": "pt", "epoch": "3"}),
        "torch_written_f64.safetensors": pack(f64_tensors()),
        # Mixed dtypes, metadata with non-ASCII and escaped characters, and an empty tensor in the middle.
        "torch_written.safetensors": pack(
            f32_tensors()[:2] + [("empty", torch.zeros(0, 3, dtype=torch.float32))] + f64_tensors() + f32_tensors()[2:],
            {"format": "pt", "note": "Gewichte \u00e4\u00f6\u00fc \u2713 \"quoted\" back\\slash\ttab"}),
    }
    for name, content in files.items():
        with open(os.path.join(folder, name), "wb") as f:
            f.write(content)
        print(f"wrote {name}: {len(content)} bytes")


if __name__ == "__main__":
    main()
