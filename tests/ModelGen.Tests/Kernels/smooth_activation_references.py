# Exact references (50-digit mpmath) for the double-precision smooth activations, written to
# SmoothActivationReferences.json: for each sample x, each function's value as the nearest double and the remainder
# (hi, lo), so the tests measure ulp against the exact value. Run: /usr/bin/python3 smooth_activation_references.py
import json, math, random, struct
import mpmath as mp

mp.mp.dps = 50
random.seed(20261130)

def gelu(x): return x / 2 * mp.erfc(-x / mp.sqrt(2))  # 1 + erf(z) = erfc(-z), without cancellation
def gelu_tanh(x): return x / (1 + mp.exp(-2 * mp.sqrt(2 / mp.pi) * (x + mp.mpf('0.044715') * x ** 3)))  # (1 + tanh w)/2 = 1/(1 + e^-2w)
def silu(x): return x / (1 + mp.exp(-x))
def elu(x): return x if x > 0 else mp.expm1(x)
def softplus(x): return x if x > 20 else mp.log1p(mp.exp(x))

samples = []
for i in range(4000):
    kind = i % 5
    if kind == 0: v = random.uniform(-10, 10)
    elif kind == 1: v = random.uniform(-40, 40)
    elif kind == 2: v = math.exp(random.uniform(math.log(1e-300), math.log(50)))
    elif kind == 3: v = random.uniform(-1, 1)
    else: v = random.uniform(-0.5, 0.5) * 10 ** random.uniform(-12, 0)
    samples.append(v if kind == 1 or kind == 0 or kind == 3 or random.random() < 0.5 else -v)
for center in (0.34657359027997264, 20.0, 1e-8, 28.28, 21.0, 5.0, 37.5):
    b = struct.unpack('<q', struct.pack('<d', center))[0]
    for d in range(-20, 21):
        v = struct.unpack('<d', struct.pack('<q', b + d))[0]
        samples += [v, -v]

def pair(v):
    hi = float(v)
    return [repr(hi), repr(float(v - mp.mpf(hi)))]

out = {"x": [repr(v) for v in samples]}
for name, f in (("gelu", gelu), ("gelu_tanh", gelu_tanh), ("silu", silu), ("elu", elu), ("softplus", softplus)):
    out[name] = [pair(f(mp.mpf(v))) for v in samples]
with open("SmoothActivationReferences.json", "w") as fh:
    json.dump(out, fh)
print(len(samples), "samples")
