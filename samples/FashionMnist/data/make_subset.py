"""Writes the bundled Fashion-MNIST subset: the first 10,000 training and 2,000 test images with their labels, from
Debian's dataset-fashion-mnist, as gzip-compressed IDX files (mtime 0, so a rerun writes identical bytes).
Run: /usr/bin/python3 samples/FashionMnist/data/make_subset.py (from the repository root or this folder)."""
import gzip, os, struct

source = "/usr/share/datasets/fashion-mnist"
here = os.path.dirname(os.path.abspath(__file__))

def subset(kind, count):
    with gzip.open(f"{source}/{kind}-images-idx3-ubyte.gz") as f:
        images = f.read()
    with gzip.open(f"{source}/{kind}-labels-idx1-ubyte.gz") as f:
        labels = f.read()
    magic, n, rows, cols = struct.unpack(">IIII", images[:16])
    assert magic == 0x803 and n >= count
    with gzip.GzipFile(os.path.join(here, f"{kind}-images-idx3-ubyte.gz"), "wb", mtime=0) as f:
        f.write(struct.pack(">IIII", 0x803, count, rows, cols) + images[16:16 + count * rows * cols])
    with gzip.GzipFile(os.path.join(here, f"{kind}-labels-idx1-ubyte.gz"), "wb", mtime=0) as f:
        f.write(struct.pack(">II", 0x801, count) + labels[8:8 + count])

subset("train", 10000)
subset("t10k", 2000)
