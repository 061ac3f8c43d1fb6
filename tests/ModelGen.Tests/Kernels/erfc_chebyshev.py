# Chebyshev coefficients of F(y) = (1 + 2z)·e^(z²)·erfc(z), y = (z − 3.75)/(z + 3.75), for Activations.ErfcChebyshev
# (src/ModelGen/Kernels/SmoothActivations/Activations.Gelu.cs). Run: /usr/bin/python3 erfc_chebyshev.py
import mpmath as mp
mp.mp.dps = 50
K = mp.mpf('3.75')
def F(y):
    # y in [-1,1) -> x = K(1+y)/(1-y)
    if y == 1: return 2/mp.sqrt(mp.pi)  # limit: (1+2x) e^{x^2} erfc x -> 2/sqrt(pi)
    x = K*(1+y)/(1-y)
    return (1+2*x)*mp.exp(x*x)*mp.erfc(x)
N = 80
nodes = [mp.cos(mp.pi*(j+mp.mpf(1)/2)/N) for j in range(N)]
vals = [F(t) for t in nodes]
c = []
for k in range(N):
    s = sum(vals[j]*mp.cos(mp.pi*k*(j+mp.mpf(1)/2)/N) for j in range(N))
    c.append(2*s/N)
c[0] /= 2
for k,ck in enumerate(c[:28]):
    print(k, repr(float(ck)))
