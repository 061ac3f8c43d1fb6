#!/usr/bin/env python3
"""Reads a safetensors file by hand (json + torch.frombuffer; the `safetensors` package is not installable here),
checks its layout and prints every tensor. Interop check for files written by ModelGen:
    /usr/bin/python3 tests/ModelGen.IO.Tests/read_safetensors.py FILE.safetensors
"""
import json
import struct
import sys

import torch

DTYPES = {"F64": torch.float64, "F32": torch.float32, "F16": torch.float16, "BF16": torch.bfloat16,
          "I64": torch.int64, "I32": torch.int32, "I16": torch.int16, "I8": torch.int8, "U8": torch.uint8,
          "BOOL": torch.bool}


def read(path):
    with open(path, "rb") as f:
        content = f.read()
    (n,) = struct.unpack("<Q", content[:8])
    assert 8 + n <= len(content), f"header length {n} runs past the end of the file ({len(content)} bytes)"
    header = json.loads(content[8:8 + n].decode("utf-8"))
    assert isinstance(header, dict), "header is not a JSON object"
    metadata = header.pop("__metadata__", {})
    data = content[8 + n:]
    tensors = {}
    end_of_previous = 0
    for name, info in sorted(header.items(), key=lambda item: tuple(item[1]["data_offsets"])):
        begin, end = info["data_offsets"]
        assert begin == end_of_previous, f"{name}: data_offsets {begin} should be {end_of_previous} (gap or overlap)"
        dtype = DTYPES[info["dtype"]]
        count = 1
        for dim in info["shape"]:
            count *= dim
        assert end - begin == count * torch.empty((), dtype=dtype).element_size(), f"{name}: byte count does not match shape"
        if end == begin:
            tensor = torch.empty(info["shape"], dtype=dtype)
        else:
            tensor = torch.frombuffer(bytearray(data[begin:end]), dtype=dtype).reshape(info["shape"])
        tensors[name] = tensor
        end_of_previous = end
    assert end_of_previous == len(data), f"data ends at {end_of_previous}, file has {len(data)} data bytes"
    order = list(header)  # header order
    return metadata, {name: tensors[name] for name in order}


def main():
    torch.set_printoptions(precision=17)
    for path in sys.argv[1:]:
        metadata, tensors = read(path)
        print(f"{path}")
        print(f"  metadata: {metadata}")
        for name, tensor in tensors.items():
            print(f"  {name}: {str(tensor.dtype).replace('torch.', '')} {list(tensor.shape)}")
            print("    " + str(tensor.tolist()))


if __name__ == "__main__":
    main()
