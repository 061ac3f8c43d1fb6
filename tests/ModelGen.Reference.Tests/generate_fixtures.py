#!/usr/bin/python3
"""Writes the PyTorch reference fixtures that ModelGen.Reference.Tests compares ModelGen's generated models against.

Run from anywhere with Debian's python (PyTorch 1.13 CPU):

    /usr/bin/python3 tests/ModelGen.Reference.Tests/generate_fixtures.py

Each case below mirrors one model declared in Models.cs, OptimizerModels.cs, PenaltyModels.cs, LayerModels.cs or
GraphModels.cs (same layers, loss, optimizer, L1/L2 penalties and gradient clipping); the tests check that the
declaration's attributes match the fixture's settings. For each case and precision the script draws initial
parameters, a training batch and a larger prediction set from a fixed seed, trains with torch.optim (single-tensor code
path: foreach=False) and records, with full round-trip precision:

  optimizer                                  the torch.optim class and the keyword arguments it was built with
  loss_settings                              only where the loss takes keyword arguments: {"delta": ...} (HuberLoss),
                                             {"label_smoothing": ...} (CrossEntropyLoss); losses: "mse", "cross_entropy",
                                             "bce", "hinge" (MultiMarginLoss), "huber", "l1" (L1Loss)
  penalties                                  {"denseN.weight": {"l1", "l2"}}: l1·Σ|w| + l2·Σw² added to the loss
  clipping                                   null, or clip_grad_norm_ max_norm / clip_grad_value_ clip_value (or null)
  initial_parameters                         by ModelGen's names ("dense0.weight" is [out, in] row-major, like nn.Linear)
  inputs, targets | labels                   the training batch (n rows, n <= batch_size)
  predict_inputs, predict_outputs            inference before training, on more rows than batch_size (chunking)
  steps[k]: loss (data loss + penalties), gradients (after the penalties' gradients and clipping, as the optimizer
            sees them), input_gradient, parameters and optimizer_state after the optimizer step (every per-parameter
            state tensor by its torch.optim key, the parameters' values concatenated in parameter order; the scalars
            "step" and NAdam's "mu_product" are left out)
  final_loss                                 data loss + penalties on the training batch after the last step (eval)
  final_predict_outputs                      inference after the last step

Fixtures of models with convolution, pooling, batch/layer norm or flatten layers, and of graph models, also record (the
dense-only fixtures keep their original format):

  input_shape                                [features] or [channels, height, width], as [Input(...)] declares it
  layers                                     each layer as ModelGen's attribute ("kind": "Conv2D", ...) with its settings
  buffer_names, initial_buffers              batch norm's running_mean / running_var by ModelGen's names, and the values
                                             the run starts from (drawn away from PyTorch's 0 and 1, loaded through
                                             Buffer(name), so that inference before training depends on them)
  initial_loss                               the loss on the training batch before training, in inference mode
  steps[k].buffers                           the running statistics after step k's training pass

The layers of graph models (branches, skip connections, merges: contract 0.2) also carry, each:

  name                                       the layer's name: <kind><index per kind> ("dense1", "add0",
                                             "globalavgpool2d0", "leakyrelu0"; a layer with a Name still counts), or Name
  from                                       the earlier layer it reads ("input": the model's input), null for the previous
  operands                                   Add and Concat only: the layers added to / joined after the first operand

Parameters and buffers keep ModelGen's names ("h.weight" for a layer named h), in declaration order. The PyTorch model
runs the layers in that order and keeps every output by name, so that a value read by several layers is one autograd
node whose gradient is the sum of its readers' (the input gradient too).

Initial parameters: Dense weights and biases uniform on ±0.9; Conv2D weights on ±1.5/√(channels·k·k), biases ±0.5;
batch/layer norm γ on [0.5, 1.5] and β on ±0.5; a case's init_bounds overrides the bound of a parameter by name.

Every tensor is flattened row-major. The torch default dtype is set to the fixture's precision while the optimizer
runs, so that the scalar state torch.optim creates with torch.tensor(...) (NAdam's mu_product in particular) has the
model's precision, as in ModelGen.

The script refuses fixtures that would test rounding rather than ModelGen: a ReLU input or an L1-penalized weight
near its kink, a max-pooling window of a training pass whose two largest values nearly tie, clipping that does not
clip in most steps, AMSGrad whose maximum never takes over, and a single-precision run of PyTorch that strays from its
own double-precision run by half the single-precision tolerance of the tests or more. The output is deterministic: rerunning rewrites identical files.
"""
import json
import math
import os

import torch
import torch.nn as nn

HERE = os.path.dirname(os.path.abspath(__file__))
FIXTURES = os.path.join(HERE, "Fixtures")

# Layer specs: ("dense", units, activation, use_bias) | ("relu",) | ("tanh",) | ("sigmoid",) | ("softmax",)
# | ("leaky_relu", alpha) | ("conv2d", filters, kernel, activation, stride, padding "valid"/"same", use_bias)
# | ("maxpool2d", pool, stride) | ("avgpool2d", pool, stride) | ("batchnorm", momentum, eps) | ("layernorm", eps)
# | ("flatten",) | ("globalavgpool2d",) | ("add", [names]) | ("concat", [names]) | ("gelu",) | ("gelu_tanh",)
# ([Gelu(Approximate = true)]) | ("silu",) | ("elu", alpha) | ("softplus",); in a case with graph=True a spec may
# end in a dict {"name": Name, "from": From} (both optional). Dense and Conv2D activations are the ones of ModelGen's
# Activation enum; Activation.LeakyReLU on a Dense layer uses ModelGen's default alpha, 0.01 (the [LeakyReLU]
# attribute's default). input_shape (channels, height, width) replaces input_size for image inputs. Dropout has no
# case: ModelGen's masks come from its own generator, which PyTorch's RNG cannot reproduce (ModelGen.Tests checks
# dropout by finite differences and statistics).
# optimizer: (torch.optim class name, keyword arguments), every hyperparameter spelled out.
# penalties: {dense layer index: (l1, l2)}; clipping: dict(max_norm=..., max_value=...) (None: off) or absent.
# precisions defaults to both ("double", "single"); steps defaults to 6; the seed of case i is 1000 + i, so new cases go at the end (earlier fixtures stay unchanged).
CASES = [
    # ---------------------------------------------------------------- SGD (Models.cs)
    dict(
        name="regression",  # [Dense(5, Tanh)] [Dense(4)] [Sigmoid] [Dense(2)], MSE, SGD momentum 0.9, wd 0.01
        batch_size=8, input_size=3, n=5, predict_rows=19,
        layers=[("dense", 5, "tanh", True), ("dense", 4, "linear", True), ("sigmoid",), ("dense", 2, "linear", True)],
        loss="mse",
        optimizer=("SGD", dict(lr=0.1, momentum=0.9, dampening=0.0, nesterov=False, weight_decay=0.01)),
    ),
    dict(
        name="classifier",  # [Dense(6, ReLU)] [Dense(5)] [LeakyReLU(0.2)] [Dense(3)], CrossEntropy, Nesterov 0.9
        batch_size=6, input_size=4, n=6, predict_rows=14,
        layers=[("dense", 6, "relu", True), ("dense", 5, "linear", True), ("leaky_relu", 0.2),
                ("dense", 3, "linear", True)],
        loss="cross_entropy",
        optimizer=("SGD", dict(lr=0.2, momentum=0.9, dampening=0.0, nesterov=True, weight_decay=0.0)),
    ),
    dict(
        name="binary",  # [Dense(4, Sigmoid)] [Dense(1)], BCE on logits, momentum 0.5, dampening 0.3, wd 0.05
        batch_size=8, input_size=5, n=7, predict_rows=20,
        layers=[("dense", 4, "sigmoid", True), ("dense", 1, "linear", True)],
        loss="bce",
        optimizer=("SGD", dict(lr=0.5, momentum=0.5, dampening=0.3, nesterov=False, weight_decay=0.05)),
    ),
    dict(
        name="softmax",  # [Dense(5, LeakyReLU)] [Dense(6)] [Tanh] [Dense(4)] [Softmax], MSE, plain SGD with wd 0.02
        batch_size=4, input_size=4, n=3, predict_rows=11,
        layers=[("dense", 5, "leaky_relu", True), ("dense", 6, "linear", True), ("tanh",),
                ("dense", 4, "linear", True), ("softmax",)],
        loss="mse",
        optimizer=("SGD", dict(lr=0.5, momentum=0.0, dampening=0.0, nesterov=False, weight_decay=0.02)),
    ),
    dict(
        name="nobias",  # [Dense(6, UseBias=false)] [ReLU] [Dense(5, Softmax, UseBias=false)] [Dense(2)], MSE, momentum 0.8
        batch_size=5, input_size=4, n=5, predict_rows=12,
        layers=[("dense", 6, "linear", False), ("relu",), ("dense", 5, "softmax", False), ("dense", 2, "linear", True)],
        loss="mse",
        optimizer=("SGD", dict(lr=0.3, momentum=0.8, dampening=0.0, nesterov=False, weight_decay=0.0)),
    ),
    # ---------------------------------------------------------------- the other optimizers (OptimizerModels.cs)
    dict(
        name="adam",  # [Dense(6, Tanh)] [Dense(3)], MSE
        batch_size=6, input_size=4, n=5, predict_rows=13, steps=8,
        layers=[("dense", 6, "tanh", True), ("dense", 3, "linear", True)],
        loss="mse",
        optimizer=("Adam", dict(lr=0.05, betas=(0.8, 0.95), eps=1e-6, weight_decay=0.0, amsgrad=False)),
    ),
    dict(
        name="adam_amsgrad",  # [Dense(5, ReLU)] [Dense(4)], CrossEntropy
        batch_size=6, input_size=4, n=6, predict_rows=15, steps=8,
        layers=[("dense", 5, "relu", True), ("dense", 4, "linear", True)],
        loss="cross_entropy",
        optimizer=("Adam", dict(lr=0.04, betas=(0.85, 0.9), eps=1e-7, weight_decay=0.0, amsgrad=True)),
    ),
    dict(
        name="adam_weight_decay",  # [Dense(5, Sigmoid)] [Dense(1)], BCE; coupled weight decay
        batch_size=8, input_size=5, n=7, predict_rows=17, steps=8,
        layers=[("dense", 5, "sigmoid", True), ("dense", 1, "linear", True)],
        loss="bce",
        optimizer=("Adam", dict(lr=0.03, betas=(0.7, 0.97), eps=1e-5, weight_decay=0.1, amsgrad=False)),
    ),
    dict(
        name="adamw",  # [Dense(6, Tanh)] [Dense(4, LeakyReLU)] [Dense(2)], MSE; decoupled weight decay
        batch_size=5, input_size=3, n=5, predict_rows=12, steps=8,
        layers=[("dense", 6, "tanh", True), ("dense", 4, "leaky_relu", True), ("dense", 2, "linear", True)],
        loss="mse",
        optimizer=("AdamW", dict(lr=0.02, betas=(0.85, 0.99), eps=1e-7, weight_decay=0.3, amsgrad=False)),
    ),
    dict(
        name="rmsprop_centered",  # [Dense(5, Tanh)] [Dense(3)], CrossEntropy; centered, momentum, weight decay
        batch_size=7, input_size=4, n=6, predict_rows=16, steps=8,
        layers=[("dense", 5, "tanh", True), ("dense", 3, "linear", True)],
        loss="cross_entropy",
        optimizer=("RMSprop", dict(lr=0.01, alpha=0.9, eps=1e-6, weight_decay=0.05, momentum=0.7, centered=True)),
        # Double precision only. Centered RMSProp divides by sqrt(v - avg(g)^2), a difference that cancels when the
        # gradient barely changes from step to step, as it does on one fixed batch; the momentum buffer then sums
        # these amplified rounding errors. Across lr, alpha, eps, momentum and weight decay, PyTorch's own float32
        # run strays from its float64 run by 0.3 to over 100 times the single-precision tolerance, so a float32 fixture
        # would test rounding luck, not ModelGen. (Plain RMSProp is checked in single precision below.)
        precisions=("double",),
    ),
    dict(
        name="rmsprop",  # [Dense(6, Sigmoid)] [Dense(2)], MSE; plain
        batch_size=6, input_size=3, n=6, predict_rows=13, steps=8,
        layers=[("dense", 6, "sigmoid", True), ("dense", 2, "linear", True)],
        loss="mse",
        optimizer=("RMSprop", dict(lr=0.005, alpha=0.95, eps=1e-7, weight_decay=0.0, momentum=0.0, centered=False)),
    ),
    dict(
        name="adagrad",  # [Dense(5, ReLU)] [Dense(2)], BCE (two independent outputs)
        batch_size=6, input_size=4, n=5, predict_rows=14, steps=8,
        layers=[("dense", 5, "relu", True), ("dense", 2, "linear", True)],
        loss="bce",
        optimizer=("Adagrad", dict(lr=0.1, lr_decay=0.0, weight_decay=0.02, initial_accumulator_value=0.5, eps=1e-8)),
    ),
    dict(
        name="adadelta",  # [Dense(6, Tanh)] [Dense(3)], MSE
        batch_size=5, input_size=4, n=4, predict_rows=11, steps=8,
        layers=[("dense", 6, "tanh", True), ("dense", 3, "linear", True)],
        loss="mse",
        optimizer=("Adadelta", dict(lr=0.8, rho=0.8, eps=1e-5, weight_decay=0.01)),
    ),
    dict(
        name="adamax",  # [Dense(5, LeakyReLU)] [Dense(3)], CrossEntropy
        batch_size=6, input_size=4, n=6, predict_rows=13, steps=8,
        layers=[("dense", 5, "leaky_relu", True), ("dense", 3, "linear", True)],
        loss="cross_entropy",
        optimizer=("Adamax", dict(lr=0.01, betas=(0.8, 0.95), eps=1e-6, weight_decay=0.05)),
    ),
    dict(
        name="nadam",  # [Dense(6, Tanh)] [Dense(4)] [ReLU] [Dense(2)], MSE
        batch_size=6, input_size=3, n=5, predict_rows=14, steps=8,
        layers=[("dense", 6, "tanh", True), ("dense", 4, "linear", True), ("relu",), ("dense", 2, "linear", True)],
        loss="mse",
        optimizer=("NAdam", dict(lr=0.01, betas=(0.85, 0.98), eps=1e-7, weight_decay=0.03, momentum_decay=0.01)),
    ),
    # ---------------------------------------------------------------- L1/L2 penalties, clipping (PenaltyModels.cs)
    dict(
        name="l1",  # [Dense(6, Tanh, L1 = 0.02)] [Dense(3)], MSE, SGD momentum 0.9
        batch_size=6, input_size=4, n=6, predict_rows=13, steps=8,
        layers=[("dense", 6, "tanh", True), ("dense", 3, "linear", True)],
        loss="mse",
        optimizer=("SGD", dict(lr=0.05, momentum=0.9, dampening=0.0, nesterov=False, weight_decay=0.0)),
        penalties={0: (0.02, 0.0)},
        zero_weights={"dense0.weight": (0, 9, 22)},  # exactly 0 at the start: the L1 gradient there is sign(0) = 0
    ),
    dict(
        name="l2",  # [Dense(5, ReLU, L2 = 0.05)] [Dense(4, L2 = 0.1)] [Dense(3)], CrossEntropy, Adam
        batch_size=6, input_size=4, n=6, predict_rows=13, steps=8,
        layers=[("dense", 5, "relu", True), ("dense", 4, "linear", True), ("dense", 3, "linear", True)],
        loss="cross_entropy",
        optimizer=("Adam", dict(lr=0.02, betas=(0.9, 0.999), eps=1e-8, weight_decay=0.0, amsgrad=False)),
        penalties={0: (0.0, 0.05), 1: (0.0, 0.1)},
    ),
    dict(
        name="elastic",  # [Dense(6, Tanh, L1 .01, L2 .03)] [Dense(4, UseBias=false, L1 .02)] [Tanh] [Dense(2, L2 .05)]
        batch_size=5, input_size=3, n=5, predict_rows=12, steps=8,
        layers=[("dense", 6, "tanh", True), ("dense", 4, "linear", False), ("tanh",), ("dense", 2, "linear", True)],
        loss="mse",
        optimizer=("RMSprop", dict(lr=0.01, alpha=0.99, eps=1e-8, weight_decay=0.0, momentum=0.0, centered=False)),
        penalties={0: (0.01, 0.03), 1: (0.02, 0.0), 2: (0.0, 0.05)},
    ),
    dict(
        name="clip_norm",  # [Dense(6, Tanh)] [Dense(3)], MSE on large targets, SGD momentum 0.5; MaxNorm 0.5
        batch_size=6, input_size=4, n=6, predict_rows=13, steps=8,
        layers=[("dense", 6, "tanh", True), ("dense", 3, "linear", True)],
        loss="mse", target_scale=3.0,
        optimizer=("SGD", dict(lr=0.1, momentum=0.5, dampening=0.0, nesterov=False, weight_decay=0.0)),
        clipping=dict(max_norm=0.5, max_value=None),
    ),
    dict(
        name="clip_value",  # [Dense(5, ReLU)] [Dense(4)], CrossEntropy, plain SGD; MaxValue 0.05
        batch_size=6, input_size=4, n=6, predict_rows=13, steps=8,
        layers=[("dense", 5, "relu", True), ("dense", 4, "linear", True)],
        loss="cross_entropy",
        optimizer=("SGD", dict(lr=0.5, momentum=0.0, dampening=0.0, nesterov=False, weight_decay=0.0)),
        clipping=dict(max_norm=None, max_value=0.05),
    ),
    dict(
        name="clip_both",  # [Dense(6, Tanh, L1 .01, L2 .02)] [Dense(2)], MSE, NAdam; MaxNorm 1, MaxValue 0.15
        batch_size=6, input_size=4, n=6, predict_rows=13, steps=8,
        layers=[("dense", 6, "tanh", True), ("dense", 2, "linear", True)],
        loss="mse", target_scale=2.0,
        optimizer=("NAdam", dict(lr=0.04, betas=(0.9, 0.999), eps=1e-8, weight_decay=0.0, momentum_decay=0.004)),
        penalties={0: (0.01, 0.02)},
        clipping=dict(max_norm=1.0, max_value=0.15),
    ),
    # ---------------------------------------------------------------- convolution, pooling, normalization (LayerModels.cs)
    # Each layer alone in a small trainable model, double precision; then the mixed model of issue 4 in both precisions.
    dict(
        name="conv_valid",  # [Conv2D(3, 3, Tanh)] [Conv2D(2, 2, UseBias=false)] [Flatten] [Dense(2)] on 2x6x5, MSE
        batch_size=4, input_shape=(2, 6, 5), n=4, predict_rows=9,
        layers=[("conv2d", 3, 3, "tanh", 1, "valid", True), ("conv2d", 2, 2, "linear", 1, "valid", False), ("flatten",),
                ("dense", 2, "linear", True)],
        loss="mse",
        optimizer=("SGD", dict(lr=0.05, momentum=0.9, dampening=0.0, nesterov=False, weight_decay=0.0)),
    ),
    dict(
        name="conv_strided",  # [Conv2D(4, 3, Tanh, Stride=2)] [Conv2D(5, 1, Stride=2, UseBias=false)] on 3x8x7 (a row
        # and a column no window reaches), [Flatten] [Dense(3)], CrossEntropy
        batch_size=5, input_shape=(3, 8, 7), n=5, predict_rows=11,
        layers=[("conv2d", 4, 3, "tanh", 2, "valid", True), ("conv2d", 5, 1, "linear", 2, "valid", False), ("flatten",),
                ("dense", 3, "linear", True)],
        loss="cross_entropy",
        optimizer=("Adam", dict(lr=0.02, betas=(0.9, 0.99), eps=1e-8, weight_decay=0.0, amsgrad=False)),
    ),
    dict(
        name="conv_same_odd",  # [Conv2D(3, 3, Sigmoid, Same)] [Conv2D(2, 5, Same, UseBias=false)] on 2x5x6, MSE
        batch_size=4, input_shape=(2, 5, 6), n=3, predict_rows=10,
        layers=[("conv2d", 3, 3, "sigmoid", 1, "same", True), ("conv2d", 2, 5, "linear", 1, "same", False), ("flatten",),
                ("dense", 2, "linear", True)],
        loss="mse",
        optimizer=("SGD", dict(lr=0.01, momentum=0.0, dampening=0.0, nesterov=False, weight_decay=0.0)),
    ),
    dict(
        name="conv_same_even",  # [Conv2D(3, 2, Tanh, Same)] [Conv2D(2, 4, Same)]: PyTorch pads the extra row/column
        # at the bottom/right (0 above, 1 below; then 1 above, 2 below)
        batch_size=4, input_shape=(2, 5, 6), n=4, predict_rows=9,
        layers=[("conv2d", 3, 2, "tanh", 1, "same", True), ("conv2d", 2, 4, "linear", 1, "same", True), ("flatten",),
                ("dense", 3, "linear", True)],
        loss="cross_entropy",
        optimizer=("Adam", dict(lr=0.02, betas=(0.9, 0.999), eps=1e-8, weight_decay=0.0, amsgrad=False)),
    ),
    dict(
        name="maxpool",  # [Conv2D(3, 2, Tanh)] [MaxPool2D(2)] on 2x7x6 (the last column of 3x6x5 unused), MSE
        batch_size=4, input_shape=(2, 7, 6), n=4, predict_rows=9,
        layers=[("conv2d", 3, 2, "tanh", 1, "valid", True), ("maxpool2d", 2, 2), ("flatten",), ("dense", 2, "linear", True)],
        loss="mse",
        optimizer=("SGD", dict(lr=0.1, momentum=0.9, dampening=0.0, nesterov=False, weight_decay=0.0)),
    ),
    dict(
        name="maxpool_overlap",  # [MaxPool2D(2, Stride=1)] on the input (overlapping windows share inputs), [Conv2D(3, 2,
        # Tanh)], [MaxPool2D(3, Stride=2)] (overlapping), [Flatten] [Dense(3)], CrossEntropy
        batch_size=4, input_shape=(2, 8, 8), n=4, predict_rows=9,
        layers=[("maxpool2d", 2, 1), ("conv2d", 3, 2, "tanh", 1, "valid", True), ("maxpool2d", 3, 2), ("flatten",),
                ("dense", 3, "linear", True)],
        loss="cross_entropy",
        optimizer=("Adam", dict(lr=0.02, betas=(0.9, 0.999), eps=1e-8, weight_decay=0.0, amsgrad=False)),
    ),
    dict(
        name="avgpool",  # [AvgPool2D(3, Stride=2)] on 2x7x8 (overlapping; the last column unused), [Conv2D(4, 2, Tanh)],
        # [AvgPool2D(2)], [Flatten] [Dense(2)], MSE
        batch_size=4, input_shape=(2, 7, 8), n=4, predict_rows=9,
        layers=[("avgpool2d", 3, 2), ("conv2d", 4, 2, "tanh", 1, "valid", True), ("avgpool2d", 2, 2), ("flatten",),
                ("dense", 2, "linear", True)],
        loss="mse",
        optimizer=("SGD", dict(lr=0.1, momentum=0.9, dampening=0.0, nesterov=False, weight_decay=0.0)),
    ),
    dict(
        name="batchnorm_vector",  # [Dense(6)] [BatchNorm(Momentum=0.2, Epsilon=1e-3)] [Tanh] [Dense(3)], MSE
        batch_size=6, input_size=4, n=5, predict_rows=13,
        layers=[("dense", 6, "linear", True), ("batchnorm", 0.2, 1e-3), ("tanh",), ("dense", 3, "linear", True)],
        loss="mse",
        optimizer=("SGD", dict(lr=0.1, momentum=0.9, dampening=0.0, nesterov=False, weight_decay=0.0)),
    ),
    dict(
        name="batchnorm_image",  # [Conv2D(3, 3)] [BatchNorm] (per channel over 3x3 positions) [Tanh] [Flatten] [Dense(3)]
        # SGD, not Adam: the convolution's bias, which the batch norm subtracts again, has a gradient of 0 plus
        # rounding noise, and Adam would turn that noise into steps of lr·noise/ε that inference (running statistics)
        # then sees; with Adam, ModelGen's double-precision Predict after training came within 0.6 of the tolerance.
        batch_size=4, input_shape=(2, 5, 5), n=4, predict_rows=9,
        layers=[("conv2d", 3, 3, "linear", 1, "valid", True), ("batchnorm", 0.1, 1e-5), ("tanh",), ("flatten",),
                ("dense", 3, "linear", True)],
        loss="cross_entropy",
        optimizer=("SGD", dict(lr=0.1, momentum=0.9, dampening=0.0, nesterov=False, weight_decay=0.0)),
    ),
    dict(
        name="layernorm_vector",  # [Dense(6)] [LayerNorm(Epsilon=1e-3)] [Tanh] [Dense(2)], MSE
        batch_size=6, input_size=4, n=5, predict_rows=13,
        layers=[("dense", 6, "linear", True), ("layernorm", 1e-3), ("tanh",), ("dense", 2, "linear", True)],
        loss="mse",
        optimizer=("Adam", dict(lr=0.02, betas=(0.9, 0.999), eps=1e-8, weight_decay=0.0, amsgrad=False)),
    ),
    dict(
        name="layernorm_image",  # [Conv2D(3, 2)] [LayerNorm] over [3 x 3 x 4] (γ, β of that shape) [Tanh] [Flatten] [Dense(3)]
        batch_size=4, input_shape=(2, 4, 5), n=4, predict_rows=9,
        layers=[("conv2d", 3, 2, "linear", 1, "valid", True), ("layernorm", 1e-5), ("tanh",), ("flatten",),
                ("dense", 3, "linear", True)],
        loss="cross_entropy",
        optimizer=("SGD", dict(lr=0.2, momentum=0.9, dampening=0.0, nesterov=True, weight_decay=0.0)),
    ),
    dict(
        name="flatten",  # [Flatten] of a 3x2x4 input, [Dense(5, Tanh)] [Dense(2)], MSE
        batch_size=4, input_shape=(3, 2, 4), n=4, predict_rows=9,
        layers=[("flatten",), ("dense", 5, "tanh", True), ("dense", 2, "linear", True)],
        loss="mse",
        optimizer=("SGD", dict(lr=0.1, momentum=0.0, dampening=0.0, nesterov=False, weight_decay=0.0)),
    ),
    dict(
        name="mixed",  # conv → batch norm → pool → conv → flatten → dense → batch norm → layer norm → dense (issue 4):
        # [Conv2D(4, 3, Padding=Same, UseBias=false)] [BatchNorm] [MaxPool2D(2)] [Conv2D(6, 3, ReLU)] [Flatten]
        # [Dense(10, UseBias=false)] [BatchNorm(Momentum=0.2)] [LayerNorm] [Dense(3)] on 2x8x8, CrossEntropy, Adam.
        # Chosen to be well conditioned in float32 (PyTorch's float32 run stays within 0.23 of the single-precision
        # tolerance of its float64 run; most variants tried landed between 0.5 and 100):
        # - the layers before a batch norm have no bias, as usual: the batch norm subtracts it again, so its gradient
        #   is 0 up to rounding, which Adam divides by its own root mean square into steps of pure rounding noise;
        # - no ReLU before a max pooling: ReLU's zeros, shifted alike by the batch norm, tie in the pooling windows;
        #   nor before the second batch norm, whose features would then be nearly constant over the batch;
        # - a small output layer (±0.2) and wider first filters (±0.6): a batch-normalized network's float32 gradients
        #   carry an error of about 5e-7 of their largest value, which stays under the tolerance's absolute floor
        #   (1e-6 for values below 0.1) only while the gradients are well below 1;
        # - 6 Adam steps: Adam's normalization lets that error grow step by step.
        batch_size=8, input_shape=(2, 8, 8), n=8, predict_rows=19,
        layers=[("conv2d", 4, 3, "linear", 1, "same", False), ("batchnorm", 0.1, 1e-5), ("maxpool2d", 2, 2),
                ("conv2d", 6, 3, "relu", 1, "valid", True), ("flatten",), ("dense", 10, "linear", False),
                ("batchnorm", 0.2, 1e-5), ("layernorm", 1e-5), ("dense", 3, "linear", True)],
        loss="cross_entropy",
        optimizer=("Adam", dict(lr=0.01, betas=(0.9, 0.999), eps=1e-8, weight_decay=0.0, amsgrad=False)),
        init_bounds={"conv2d0.weight": 0.6, "dense1.weight": 0.2},
    ),
    # ---------------------------------------------------------------- graphs: branches, skips, merges (GraphModels.cs)
    # graph=True: a layer spec may end in {"name": ..., "from": ...}; ("add", [names]) and ("concat", [names]) merge
    # the previous layer's output (or their "from"'s) with the named ones; ("globalavgpool2d",) is [c, h, w] -> [c].
    dict(
        name="residual_mlp",  # [Dense(8, Tanh, Name="h")] [Dense(8)] [Add("h")] [Tanh] [Dense(3)], CrossEntropy, Adam
        graph=True, batch_size=6, input_size=5, n=6, predict_rows=14, steps=8,
        layers=[("dense", 8, "tanh", True, {"name": "h"}), ("dense", 8, "linear", True), ("add", ["h"]), ("tanh",),
                ("dense", 3, "linear", True)],
        loss="cross_entropy",
        optimizer=("Adam", dict(lr=0.02, betas=(0.9, 0.99), eps=1e-8, weight_decay=0.0, amsgrad=False)),
    ),
    dict(
        name="residual_cnn",  # a residual block on 2x6x6: [Conv2D(4, 3, Tanh, Same, Name="stem")]
        # [Conv2D(4, 3, Same, UseBias=false)] [BatchNorm] [Tanh] [Conv2D(4, 3, Same, UseBias=false)] [BatchNorm]
        # [Add("stem")] [Tanh] [Flatten] [Dense(3)], CrossEntropy, SGD momentum (not Adam: see batchnorm_image); 5
        # samples in a batch of 6. Tanh, not ReLU, after the first batch norm: its ~5000 normalized inputs over the
        # run come within 2e-5 to 4e-4 of 0 for every learning rate and output bound tried. A small output layer
        # (±0.05, 144 inputs), as in mixed: with ±0.9 the logits start near ±10 and PyTorch's float32 run strays from
        # its float64 run by 1 to 3 times the single-precision tolerance.
        graph=True, batch_size=6, input_shape=(2, 6, 6), n=5, predict_rows=13,
        layers=[("conv2d", 4, 3, "tanh", 1, "same", True, {"name": "stem"}),
                ("conv2d", 4, 3, "linear", 1, "same", False), ("batchnorm", 0.1, 1e-5), ("tanh",),
                ("conv2d", 4, 3, "linear", 1, "same", False), ("batchnorm", 0.1, 1e-5),
                ("add", ["stem"]), ("tanh",), ("flatten",), ("dense", 3, "linear", True)],
        loss="cross_entropy",
        optimizer=("SGD", dict(lr=0.05, momentum=0.9, dampening=0.0, nesterov=False, weight_decay=0.0)),
        init_bounds={"dense0.weight": 0.05},
    ),
    dict(
        name="branch_from_input",  # [Dense(6, Tanh)] [Dense(4, Tanh, From="input", Name="side")] [Add("input")]
        # [Concat("dense0")] [Dense(2)]: the input is read by three layers (dense0, side, add0), so the input gradient
        # is a sum of three; MSE, SGD momentum 0.5 (with lr 0.1 and momentum 0.9 the loss oscillated)
        graph=True, batch_size=5, input_size=4, n=5, predict_rows=12,
        layers=[("dense", 6, "tanh", True), ("dense", 4, "tanh", True, {"name": "side", "from": "input"}),
                ("add", ["input"]), ("concat", ["dense0"]), ("dense", 2, "linear", True)],
        loss="mse",
        optimizer=("SGD", dict(lr=0.02, momentum=0.5, dampening=0.0, nesterov=False, weight_decay=0.0)),
    ),
    dict(
        name="concat_vectors",  # [Dense(6, Tanh, Name="a")] [Dense(4, Sigmoid, From="input", Name="b")]
        # [Dense(3, Tanh, From="a", Name="c")] [Concat("b", "c", From="a")] (6 + 4 + 3 features) [Dense(2)], BCE, Adam
        graph=True, batch_size=6, input_size=5, n=6, predict_rows=13, steps=8,
        layers=[("dense", 6, "tanh", True, {"name": "a"}), ("dense", 4, "sigmoid", True, {"name": "b", "from": "input"}),
                ("dense", 3, "tanh", True, {"name": "c", "from": "a"}), ("concat", ["b", "c"], {"from": "a"}),
                ("dense", 2, "linear", True)],
        loss="bce",
        optimizer=("Adam", dict(lr=0.03, betas=(0.85, 0.98), eps=1e-7, weight_decay=0.0, amsgrad=False)),
    ),
    dict(
        name="concat_images",  # on 2x6x6: [Conv2D(3, 3, Tanh, Same, Name="left")] [Conv2D(2, 1, Tanh, From="input",
        # Name="right")] [Concat("left")] (channels: right's 2, then left's 3) [AvgPool2D(2)] [Flatten] [Dense(3)],
        # CrossEntropy, Adam
        graph=True, batch_size=4, input_shape=(2, 6, 6), n=4, predict_rows=9,
        layers=[("conv2d", 3, 3, "tanh", 1, "same", True, {"name": "left"}),
                ("conv2d", 2, 1, "tanh", 1, "valid", True, {"name": "right", "from": "input"}),
                ("concat", ["left"]), ("avgpool2d", 2, 2), ("flatten",), ("dense", 3, "linear", True)],
        loss="cross_entropy",
        optimizer=("Adam", dict(lr=0.02, betas=(0.9, 0.999), eps=1e-8, weight_decay=0.0, amsgrad=False)),
    ),
    dict(
        name="global_avg_pool",  # [Conv2D(4, 3, Tanh)] on 3x6x6 (4x4x4) [GlobalAvgPool2D] [Dense(2)], MSE, SGD momentum
        graph=True, batch_size=5, input_shape=(3, 6, 6), n=5, predict_rows=11,
        layers=[("conv2d", 4, 3, "tanh", 1, "valid", True), ("globalavgpool2d",), ("dense", 2, "linear", True)],
        loss="mse",
        optimizer=("SGD", dict(lr=0.1, momentum=0.9, dampening=0.0, nesterov=False, weight_decay=0.0)),
    ),
    dict(
        name="three_readers",  # [Dense(6, Tanh, Name="h")] [Dense(6, Tanh)] [Dense(6, From="h")] [Add("h", "dense1")]
        # (dense2 + h + dense1) [Tanh] [Dense(3)]: h is read by dense1, dense2 and add0; CrossEntropy, SGD Nesterov
        graph=True, batch_size=6, input_size=4, n=6, predict_rows=13,
        layers=[("dense", 6, "tanh", True, {"name": "h"}), ("dense", 6, "tanh", True),
                ("dense", 6, "linear", True, {"from": "h"}), ("add", ["h", "dense1"]), ("tanh",),
                ("dense", 3, "linear", True)],
        loss="cross_entropy",
        optimizer=("SGD", dict(lr=0.2, momentum=0.9, dampening=0.0, nesterov=True, weight_decay=0.0)),
    ),
    dict(
        name="three_readers_image",  # on 2x5x5: [Conv2D(3, 3, Tanh, Same, Name="h")] [Conv2D(3, 3, Tanh, Same)]
        # [Add("h")] [GlobalAvgPool2D(From="h", Name="pooled")] [Flatten(From="add0")] [Concat("pooled")] (75 + 3)
        # [Dense(2)]: h is read by conv2d1, add0 and pooled; MSE, Adam. The output layer on ±0.1 (78 inputs): on ±0.9
        # the loss starts at 11 and PyTorch's float32 run strays from its float64 run by 1.7 times the tolerance.
        graph=True, batch_size=4, input_shape=(2, 5, 5), n=4, predict_rows=9,
        layers=[("conv2d", 3, 3, "tanh", 1, "same", True, {"name": "h"}), ("conv2d", 3, 3, "tanh", 1, "same", True),
                ("add", ["h"]), ("globalavgpool2d", {"name": "pooled", "from": "h"}), ("flatten", {"from": "add0"}),
                ("concat", ["pooled"]), ("dense", 2, "linear", True)],
        loss="mse",
        optimizer=("Adam", dict(lr=0.01, betas=(0.9, 0.999), eps=1e-8, weight_decay=0.0, amsgrad=False)),
        init_bounds={"dense0.weight": 0.1},
    ),
    # ---------------------------------------------------------------- activations and losses of version 0.2 (SmoothModels.cs)
    dict(
        name="smooth_fused",  # [Dense(6, Gelu)] [Dense(5, GeluTanh)] [Dense(5, Silu)] [Dense(5, Elu)] [Dense(4, Softplus)]
        # [Dense(3)], CrossEntropy with LabelSmoothing 0.1, Adam: every new activation fused into a dense layer
        batch_size=6, input_size=4, n=6, predict_rows=13,
        layers=[("dense", 6, "gelu", True), ("dense", 5, "gelu_tanh", True), ("dense", 5, "silu", True),
                ("dense", 5, "elu", True), ("dense", 4, "softplus", True), ("dense", 3, "linear", True)],
        loss="cross_entropy", loss_settings={"label_smoothing": 0.1},
        optimizer=("Adam", dict(lr=0.02, betas=(0.9, 0.999), eps=1e-8, weight_decay=0.0, amsgrad=False)),
    ),
    dict(
        name="smooth_layers",  # [Dense(6)] [Gelu] [Dense(5)] [Gelu(Approximate = true)] [Dense(5)] [Silu] [Dense(5)]
        # [Elu(0.7)] [Dense(4)] [Softplus] [Dense(3)], Hinge (MultiMarginLoss), SGD momentum 0.9: each as a layer
        batch_size=6, input_size=4, n=6, predict_rows=13,
        layers=[("dense", 6, "linear", True), ("gelu",), ("dense", 5, "linear", True), ("gelu_tanh",),
                ("dense", 5, "linear", True), ("silu",), ("dense", 5, "linear", True), ("elu", 0.7),
                ("dense", 4, "linear", True), ("softplus",), ("dense", 3, "linear", True)],
        loss="hinge",
        optimizer=("SGD", dict(lr=0.1, momentum=0.9, dampening=0.0, nesterov=False, weight_decay=0.0)),
    ),
    dict(
        name="smooth_conv",  # on 2x6x6: [Conv2D(3, 3, Gelu)] [Conv2D(3, 2, GeluTanh, Same)] [Conv2D(3, 2, Silu)]
        # [Conv2D(2, 2, Elu)] [Conv2D(2, 1, Softplus)] [Flatten] [Dense(2)], Huber with Delta 0.5, SGD momentum 0.9
        batch_size=4, input_shape=(2, 6, 6), n=4, predict_rows=9,
        layers=[("conv2d", 3, 3, "gelu", 1, "valid", True), ("conv2d", 3, 2, "gelu_tanh", 1, "same", True),
                ("conv2d", 3, 2, "silu", 1, "valid", True), ("conv2d", 2, 2, "elu", 1, "valid", True),
                ("conv2d", 2, 1, "softplus", 1, "valid", True), ("flatten",), ("dense", 2, "linear", True)],
        loss="huber", loss_settings={"delta": 0.5}, target_scale=2.0,
        optimizer=("SGD", dict(lr=0.05, momentum=0.9, dampening=0.0, nesterov=False, weight_decay=0.0)),
    ),
    dict(
        name="mae",  # [Dense(5, Silu)] [Dense(3)], MeanAbsoluteError (L1Loss), Adam
        batch_size=6, input_size=4, n=6, predict_rows=13,
        layers=[("dense", 5, "silu", True), ("dense", 3, "linear", True)],
        loss="l1",
        optimizer=("Adam", dict(lr=0.02, betas=(0.9, 0.999), eps=1e-8, weight_decay=0.0, amsgrad=False)),
    ),
]

# Cases of one layer kind each: checked in double precision (the mixed model covers every layer in single precision).
for case in CASES:
    if case["name"] in ("conv_valid", "conv_strided", "conv_same_odd", "conv_same_even", "maxpool", "maxpool_overlap",
                        "avgpool", "batchnorm_vector", "batchnorm_image", "layernorm_vector", "layernorm_image",
                        "flatten"):
        case["precisions"] = ("double",)

PRECISIONS = [("double", torch.float64), ("single", torch.float32)]

# PyTorch's own float32 run must stay within this fraction of the single-precision tolerance of its float64 run.
MAX_CONDITIONING = 0.5

# torch.optim state entries that are scalars, not per-parameter tensors; ModelGen derives them from Step.
SCALAR_STATE = {"step", "mu_product"}


def activation(kind):
    return {
        "linear": None,
        "relu": nn.ReLU(),
        "tanh": nn.Tanh(),
        "sigmoid": nn.Sigmoid(),
        "softmax": nn.Softmax(dim=1),
        "leaky_relu": nn.LeakyReLU(0.01),
        "gelu": nn.GELU(),
        "gelu_tanh": nn.GELU(approximate="tanh"),
        "silu": nn.SiLU(),
        "elu": nn.ELU(1.0),
        "softplus": nn.Softplus(),
    }[kind]


ACTIVATION_NAMES = {"linear": "Linear", "relu": "ReLU", "tanh": "Tanh", "sigmoid": "Sigmoid", "softmax": "Softmax",
                    "leaky_relu": "LeakyReLU", "gelu": "Gelu", "gelu_tanh": "GeluTanh", "silu": "Silu", "elu": "Elu",
                    "softplus": "Softplus"}

# Layers that make a fixture "extended": it then also records the input shape, the layers (in ModelGen's attribute
# terms, checked against the declaration), the batch-norm buffers and the inference-mode loss before training.
# Fixtures of dense-only cases keep their original format, so that rerunning the script leaves them unchanged.
EXTENDED_KINDS = {"conv2d", "maxpool2d", "avgpool2d", "batchnorm", "layernorm", "flatten"}

# Graph cases (graph=True) are extended, and describe each layer with three more keys: "name" (always, the default
# <kind><index> or the Name given), "from" (null: the previous layer's output) and, for Add and Concat, "operands".
# The other extended fixtures keep their original format. These kinds, and layer options, occur only in graph cases.
GRAPH_KINDS = {"add", "concat", "globalavgpool2d"}

# The spec kinds whose ModelGen layer kind, lowercased, is spelled otherwise (layers are named <kind><index per kind>).
LAYER_PREFIX = {"leaky_relu": "leakyrelu", "gelu_tanh": "gelu"}


def input_shape(case):
    return tuple(case["input_shape"]) if "input_shape" in case else (case["input_size"],)


def extended(case):
    return "input_shape" in case or case.get("graph", False) or any(spec[0] in EXTENDED_KINDS for spec in case["layers"])


class Graph(nn.Module):
    """Runs the layers in declaration order, keeping every layer's output by name ("input": the model's input); a layer
    reads the previous layer's output or its "from". A value read by several layers is one autograd node, so its
    gradient is the sum of theirs, as in ModelGen. A purely sequential case computes exactly what nn.Sequential would."""

    def __init__(self, nodes):
        super().__init__()
        self.nodes = [(name, source, operands, op) for name, source, operands, op, _ in nodes]
        self.layers = nn.ModuleList([module for _, _, _, _, module in nodes])

    def forward(self, x):
        values = {"input": x}
        previous = x
        for (name, source, operands, op), module in zip(self.nodes, self.layers):
            first = previous if source is None else values[source]
            if op == "add":
                y = first
                for operand in operands:
                    y = y + values[operand]
            elif op == "concat":
                y = torch.cat([first] + [values[operand] for operand in operands], dim=1)
            else:
                y = module(first)
            values[name] = y
            previous = y
        return previous


def build(case):
    """A Graph mirroring the case, ModelGen's parameter and buffer names in ModelGen's order (with the kind of layer
    each parameter belongs to), the output features, and the layers described as ModelGen's attributes.

    A layer spec may end in a dict of options: {"name": ...} (ModelGen's Name; the per-kind index still counts the
    layer, as in ModelGen) and {"from": ...} (the earlier layer it reads, "input" for the model's input)."""
    nodes, names, buffers, kinds, described = [], [], [], {}, []
    shapes = {"input": input_shape(case)}
    previous = "input"
    read = set()
    index = {}
    graph = case.get("graph", False)

    def name_of(kind, opts):
        prefix = LAYER_PREFIX.get(kind, kind)
        i = index.get(prefix, 0)
        index[prefix] = i + 1
        name = opts.get("name", f"{prefix}{i}")
        assert name.lower() not in {n.lower() for n in shapes}, f"{case['name']}: duplicate layer name {name}"
        return name

    for spec in case["layers"]:
        opts = spec[-1] if isinstance(spec[-1], dict) else {}
        if opts:
            spec = spec[:-1]
            assert graph and set(opts) <= {"name", "from"}, f"{case['name']}: layer options {opts} outside a graph case"
        kind = spec[0]
        assert graph or kind not in GRAPH_KINDS, f"{case['name']}: {kind} outside a graph case"
        source = opts.get("from")
        assert source is None or source in shapes, f"{case['name']}: {source} is not an earlier layer"
        shape = shapes[previous if source is None else source]
        layer = name_of(kind, opts)
        operands = []
        if kind == "dense":
            _, units, act, use_bias = spec
            assert len(shape) == 1, f"{case['name']}: dense after {shape}"
            linear = nn.Linear(shape[0], units, bias=use_bias)
            names.append((f"{layer}.weight", linear.weight))
            if use_bias:
                names.append((f"{layer}.bias", linear.bias))
            a = activation(act)
            module = linear if a is None else nn.Sequential(linear, a)
            shape = (units,)
            d = dict(kind="Dense", units=units, activation=ACTIVATION_NAMES[act], use_bias=use_bias)
        elif kind == "conv2d":
            _, filters, kernel, act, stride, padding, use_bias = spec
            assert len(shape) == 3 and padding in ("valid", "same") and (padding == "valid" or stride == 1)
            conv = nn.Conv2d(shape[0], filters, kernel, stride=stride, padding=padding, bias=use_bias)
            names.append((f"{layer}.weight", conv.weight))
            if use_bias:
                names.append((f"{layer}.bias", conv.bias))
            a = activation(act)
            module = conv if a is None else nn.Sequential(conv, a)
            if padding == "same":
                shape = (filters, shape[1], shape[2])
            else:
                shape = (filters, (shape[1] - kernel) // stride + 1, (shape[2] - kernel) // stride + 1)
            d = dict(kind="Conv2D", filters=filters, kernel_size=kernel, activation=ACTIVATION_NAMES[act],
                     stride=stride, padding=padding.capitalize(), use_bias=use_bias, l1=0.0, l2=0.0)
        elif kind in ("maxpool2d", "avgpool2d"):
            _, pool, stride = spec
            assert len(shape) == 3
            module = (nn.MaxPool2d if kind == "maxpool2d" else nn.AvgPool2d)(pool, stride=stride)
            shape = (shape[0], (shape[1] - pool) // stride + 1, (shape[2] - pool) // stride + 1)
            d = dict(kind="MaxPool2D" if kind == "maxpool2d" else "AvgPool2D", pool_size=pool, stride=stride)
        elif kind == "batchnorm":
            _, momentum, eps = spec
            norm = (nn.BatchNorm1d if len(shape) == 1 else nn.BatchNorm2d)(shape[0], eps=eps, momentum=momentum)
            module = norm
            names.extend([(f"{layer}.weight", norm.weight), (f"{layer}.bias", norm.bias)])
            # by module and attribute: Module.to() replaces buffer tensors (parameters it converts in place)
            buffers.extend([(f"{layer}.running_mean", norm, "running_mean"), (f"{layer}.running_var", norm, "running_var")])
            d = dict(kind="BatchNorm", momentum=momentum, epsilon=eps)
        elif kind == "layernorm":
            _, eps = spec
            norm = nn.LayerNorm(list(shape), eps=eps)
            module = norm
            names.extend([(f"{layer}.weight", norm.weight), (f"{layer}.bias", norm.bias)])
            d = dict(kind="LayerNorm", epsilon=eps)
        elif kind == "flatten":
            assert len(shape) == 3
            module = nn.Flatten()
            shape = (shape[0] * shape[1] * shape[2],)
            d = dict(kind="Flatten")
        elif kind == "globalavgpool2d":
            assert len(shape) == 3, f"{case['name']}: global average pooling of {shape}"
            module = nn.Sequential(nn.AdaptiveAvgPool2d(1), nn.Flatten(1))
            shape = (shape[0],)
            d = dict(kind="GlobalAvgPool2D")
        elif kind in ("add", "concat"):
            _, operands = spec
            operands = list(operands)
            assert operands and all(o in shapes for o in operands), f"{case['name']}: {kind} of {operands}"
            others = [shapes[o] for o in operands]
            if kind == "add":
                assert all(s == shape for s in others), f"{case['name']}: add of {[shape] + others}"
            else:
                assert all(len(s) == len(shape) and s[1:] == shape[1:] for s in others), \
                    f"{case['name']}: concat of {[shape] + others}"
                shape = (shape[0] + sum(s[0] for s in others),) + tuple(shape[1:])
            module = nn.Identity()  # a placeholder: Graph merges the operands itself
            d = dict(kind=kind.capitalize())
        elif kind == "leaky_relu":
            module = nn.LeakyReLU(spec[1])
            d = dict(kind="LeakyReLU", alpha=spec[1])
        elif kind == "elu":
            module = nn.ELU(spec[1])
            d = dict(kind="Elu", alpha=spec[1])
        elif kind in ("gelu", "gelu_tanh"):  # [Gelu], [Gelu(Approximate = true)]
            module = activation(kind)
            d = dict(kind="Gelu", approximate=kind == "gelu_tanh")
        else:
            module = activation(kind)
            d = dict(kind=ACTIVATION_NAMES[kind])
        if graph:  # where the layer's values come from, checked against Name, From and the merges' operands
            where = {"kind": d.pop("kind"), "name": layer, "from": source}
            if kind in ("add", "concat"):
                where["operands"] = operands
            d = {**where, **d}
        described.append(d)
        nodes.append((layer, source, operands, kind if kind in ("add", "concat") else None, module))
        read.update([previous if source is None else source] + operands)
        shapes[layer] = shape
        previous = layer
        for name, _ in names:
            kinds.setdefault(name, kind)
    # ModelGen warns about a layer whose output nothing reads; no case has one
    assert set(shapes) - read == {previous}, f"{case['name']}: nothing reads {sorted(set(shapes) - read - {previous})}"
    shape = shapes[previous]
    assert len(shape) == 1, f"{case['name']}: the network ends in {shape}, not a vector"
    return Graph(nodes), names, buffers, kinds, shape[0], described


def flat(t):
    """Row-major list of Python floats; repr of a Python float round-trips exactly (float32 values are exact doubles)."""
    return [float(v) for v in t.detach().reshape(-1).tolist()]


def buffer_values(buffers):
    """The running statistics by ModelGen's buffer name."""
    return {name: flat(getattr(module, attribute)) for name, module, attribute in buffers}


def optimizer_state(optimizer, names):
    """Every per-parameter state tensor of torch.optim, by key, the parameters' values concatenated in ModelGen's order."""
    keys = None
    for name, p in names:
        state = optimizer.state[p]
        present = [k for k, v in state.items() if k not in SCALAR_STATE and v is not None]
        for k in present:
            assert isinstance(state[k], torch.Tensor) and state[k].shape == p.shape, f"{name}: state {k}"
        assert keys is None or present == keys, f"{name}: state keys {present} differ from {keys}"
        keys = present
    return {k: [v for _, p in names for v in flat(optimizer.state[p][k])] for k in keys}


def make_case(case, index, precision, dtype):
    # One seed per case, shared by both precisions: the single-precision fixture starts from the same draws, rounded.
    torch.manual_seed(1000 + index)
    net, names, buffers, kinds, outputs, described = build(case)
    net = net.to(torch.float64)
    with torch.no_grad():
        for name, p in names:
            kind = kinds[name]
            if name in case.get("init_bounds", {}):  # uniform on ±bound
                p.uniform_(-case["init_bounds"][name], case["init_bounds"][name])
            elif kind == "dense":  # spread the initial weights a little wider than nn.Linear's default, biases non-zero
                p.uniform_(-0.9, 0.9)
            elif kind == "conv2d":  # weights scaled to the fan-in (channels·k·k), biases non-zero
                bound = 1.5 / math.sqrt(p[0].numel()) if name.endswith(".weight") else 0.5
                p.uniform_(-bound, bound)
            elif name.endswith(".weight"):  # batch/layer norm: γ away from 1, β away from 0
                p.uniform_(0.5, 1.5)
            else:
                p.uniform_(-0.5, 0.5)
        for _, module, attribute in buffers:  # running statistics away from PyTorch's initial 0 and 1
            value = getattr(module, attribute)
            if attribute == "running_mean":
                value.copy_(torch.randn(value.shape, dtype=torch.float64) * 0.5)
            else:
                value.uniform_(0.5, 2.0)
        params = dict(names)
        for name, indices in case.get("zero_weights", {}).items():
            params[name].view(-1)[list(indices)] = 0.0
    n, rows, shape = case["n"], case["predict_rows"], input_shape(case)
    size = math.prod(shape)
    inputs = torch.randn(n, *shape, dtype=torch.float64)
    predict_inputs = torch.randn(rows, *shape, dtype=torch.float64) * 1.5
    if case["loss"] in ("cross_entropy", "hinge"):
        labels = torch.randint(0, outputs, (n,))
        targets = None
    elif case["loss"] == "bce":
        targets = torch.randint(0, 2, (n, outputs)).to(torch.float64)
    else:
        targets = torch.rand(n, outputs, dtype=torch.float64) if case["layers"][-1][0] == "softmax" \
            else torch.randn(n, outputs, dtype=torch.float64) * case.get("target_scale", 1.0)

    net = net.to(dtype)
    inputs, predict_inputs = inputs.to(dtype), predict_inputs.to(dtype)
    if targets is not None:
        targets = targets.to(dtype)
    loss_settings = case.get("loss_settings", {})
    loss_fn = {
        "mse": lambda: nn.MSELoss(),
        "cross_entropy": lambda: nn.CrossEntropyLoss(label_smoothing=loss_settings.get("label_smoothing", 0.0)),
        "bce": lambda: nn.BCEWithLogitsLoss(),
        "hinge": lambda: nn.MultiMarginLoss(),
        "huber": lambda: nn.HuberLoss(delta=loss_settings.get("delta", 1.0)),
        "l1": lambda: nn.L1Loss(),
    }[case["loss"]]()
    optimizer_class, settings = case["optimizer"]
    optimizer = getattr(torch.optim, optimizer_class)([p for _, p in names], foreach=False, **settings)
    penalties = {f"dense{i}.weight": dict(l1=l1, l2=l2) for i, (l1, l2) in case.get("penalties", {}).items()}
    clipping = case.get("clipping")

    def loss_of(out):
        if out.requires_grad:  # the hinge's margins and L1's differences have kinks at 0, like a ReLU's input
            if case["loss"] == "hinge":
                margins = 1 - out.gather(1, labels.view(-1, 1)) + out
                mask = torch.ones_like(margins, dtype=torch.bool).scatter_(1, labels.view(-1, 1), False)
                kink[0] = min(kink[0], float(margins[mask].detach().abs().min()))
            elif case["loss"] == "l1":
                kink[0] = min(kink[0], float((out - targets).detach().abs().min()))
        loss = loss_fn(out, labels if targets is None else targets)
        for name, penalty in penalties.items():  # the penalties by hand, as ModelGen defines them
            w = params[name]
            if penalty["l1"]:
                loss = loss + penalty["l1"] * w.abs().sum()
            if penalty["l2"]:
                loss = loss + penalty["l2"] * (w ** 2).sum()
        return loss

    fixture = {
        "name": f"{case['name']}_{precision}",
        "precision": precision,
        "torch_version": torch.__version__,
        "batch_size": case["batch_size"],
        "input_size": size,
        "output_size": outputs,
        "samples": n,
        "loss": case["loss"],
        **({"loss_settings": loss_settings} if loss_settings else {}),
        "optimizer": {"class": optimizer_class, "settings": settings},
        "penalties": penalties,
        "clipping": clipping,
        "parameter_names": [name for name, _ in names],
        "parameter_shapes": {name: list(p.shape) for name, p in names},
        "initial_parameters": {name: flat(p) for name, p in names},
        "inputs": flat(inputs),
    }
    if targets is None:
        fixture["labels"] = [int(v) for v in labels.tolist()]
    else:
        fixture["targets"] = flat(targets)
    with torch.no_grad():
        net.eval()
        fixture["predict_inputs"] = flat(predict_inputs)
        fixture["predict_outputs"] = flat(net(predict_inputs))
        if extended(case):
            fixture["input_shape"] = list(shape)
            fixture["layers"] = described
            fixture["buffer_names"] = [name for name, _, _ in buffers]
            fixture["initial_buffers"] = buffer_values(buffers)
            fixture["initial_loss"] = float(loss_of(net(inputs)).item())

    # Inputs of ReLU / LeakyReLU within a hair of 0 would make the fixture depend on rounding (the derivative jumps
    # there); record the smallest |input| seen by any of them during training and insist on a margin. The same holds
    # for a weight under an L1 penalty (the gradient of |w| jumps at 0), except for the initial weights set to exactly
    # 0 on purpose: 0 is exact in both precisions, and there the gradient of |w| is sign(0) = 0.
    kink = [math.inf]

    def watch(_module, args, _output):
        kink[0] = min(kink[0], float(args[0].detach().abs().min()))

    def watch_pool(module, args, _output):
        # A max-pooling window whose two largest values nearly tie: which one wins (and takes the gradient) would be
        # decided by rounding. Only training passes matter (inference outputs are continuous at a tie).
        if not module.training:
            return
        k, s = module.kernel_size, module.stride
        windows = args[0].detach().unfold(2, k, s).unfold(3, k, s).reshape(*args[0].shape[:2], -1, k * k)
        top = windows.topk(2, dim=-1).values
        kink[0] = min(kink[0], float((top[..., 0] - top[..., 1]).min()))

    for module in net.modules():
        if isinstance(module, (nn.ReLU, nn.LeakyReLU, nn.ELU)):  # ELU with alpha != 1: the slope jumps at 0
            module.register_forward_hook(watch)
        elif isinstance(module, nn.MaxPool2d):
            module.register_forward_hook(watch_pool)

    clipped_by_norm = clipped_by_value = 0
    net.train()
    steps = []
    default_dtype = torch.get_default_dtype()
    torch.set_default_dtype(dtype)  # torch.optim's scalar state (torch.tensor(1.)) in the model's precision
    try:
        for k in range(case.get("steps", 6)):
            for name, penalty in penalties.items():
                if penalty["l1"]:
                    w = params[name].detach().abs().reshape(-1)
                    if k == 0:
                        w = w[[i for i in range(w.numel()) if i not in case.get("zero_weights", {}).get(name, ())]]
                    kink[0] = min(kink[0], float(w.min()))
            optimizer.zero_grad()
            x = inputs.clone().requires_grad_(True)
            loss = loss_of(net(x))
            loss.backward()
            if clipping is not None and clipping["max_norm"] is not None:
                norm = nn.utils.clip_grad_norm_([p for _, p in names], clipping["max_norm"])
                clipped_by_norm += float(norm) > clipping["max_norm"]
            if clipping is not None and clipping["max_value"] is not None:
                largest = max(float(p.grad.abs().max()) for _, p in names)
                clipped_by_value += largest > clipping["max_value"]
                nn.utils.clip_grad_value_([p for _, p in names], clipping["max_value"])
            step = {
                "loss": float(loss.item()),
                "gradients": {name: flat(p.grad) for name, p in names},
                "input_gradient": flat(x.grad),
            }
            if extended(case):  # the running statistics after this training pass
                step["buffers"] = buffer_values(buffers)
            optimizer.step()
            step["parameters"] = {name: flat(p) for name, p in names}
            step["optimizer_state"] = optimizer_state(optimizer, names)
            steps.append(step)
    finally:
        torch.set_default_dtype(default_dtype)
    fixture["steps"] = steps
    with torch.no_grad():
        net.eval()
        fixture["final_loss"] = float(loss_of(net(inputs)).item())
        fixture["final_predict_outputs"] = flat(net(predict_inputs))

    for step in steps:  # a fixture that diverged would check nothing useful
        assert math.isfinite(step["loss"]), fixture["name"]
    assert kink[0] > 1e-4, \
        f"{fixture['name']}: a ReLU input, an L1 weight or a max-pooling tie came within {kink[0]} of its kink; change the seed"
    if clipping is not None:  # clipping must really happen, in most steps
        for kind, count in (("max_norm", clipped_by_norm), ("max_value", clipped_by_value)):
            assert clipping[kind] is None or count > len(steps) // 2, \
                f"{fixture['name']}: {kind} clipped only {count} of {len(steps)} steps"
    if optimizer_class in ("Adam", "AdamW") and settings["amsgrad"]:  # the maximum must really take over somewhere
        last = steps[-1]["optimizer_state"]
        assert any(a > b for a, b in zip(last["max_exp_avg_sq"], last["exp_avg_sq"])), fixture["name"]
    return fixture, dict(kink=kink[0], clipped_by_norm=clipped_by_norm, clipped_by_value=clipped_by_value)


def conditioning(double, single):
    """The largest |float32 run - float64 run| of PyTorch itself over every recorded value, as a fraction of the
    single-precision tolerance of ModelGen.Reference.Tests (1e-5 * max(0.1, |expected|)), and where. A fixture whose
    own float32 run strays far from float64 (a gradient that nearly cancels, say) cannot check ModelGen's float32."""
    worst = (0.0, "")

    def walk(a, b, where):
        nonlocal worst
        if isinstance(a, dict):
            for k in a:
                walk(a[k], b[k], f"{where}.{k}")
        elif isinstance(a, list):
            for i, (x, y) in enumerate(zip(a, b)):
                walk(x, y, f"{where}[{i}]")
        elif isinstance(a, float):
            ratio = abs(a - b) / (1e-5 * max(0.1, abs(a)))
            if ratio > worst[0]:
                worst = (ratio, where)

    for key in ("steps", "final_loss", "predict_outputs", "final_predict_outputs", "initial_loss"):
        if key in double:
            walk(double[key], single[key], key)
    return worst


def to_json(value, indent=""):
    """JSON with one object member per line and every list on one line (readable diffs). Floats are written by
    json.dumps, that is with repr: the shortest decimal string that round-trips to the same double."""
    if isinstance(value, dict):
        inner = indent + " "
        members = [f"{inner}{json.dumps(k)}: {to_json(v, inner)}" for k, v in value.items()]
        return "{\n" + ",\n".join(members) + "\n" + indent + "}" if members else "{}"
    if isinstance(value, (list, tuple)) and any(isinstance(v, (dict, list, tuple)) for v in value):
        inner = indent + " "
        return "[\n" + ",\n".join(inner + to_json(v, inner) for v in value) + "\n" + indent + "]"
    return json.dumps(value, allow_nan=False)


def main():
    torch.use_deterministic_algorithms(True)
    torch.set_num_threads(1)
    os.makedirs(FIXTURES, exist_ok=True)
    names = [case["name"] for case in CASES]
    assert len(set(names)) == len(names), "duplicate case names"
    for index, case in enumerate(CASES):
        fixtures = {}
        for precision, dtype in PRECISIONS:
            if precision not in case.get("precisions", ("double", "single")):
                continue
            fixture, stats = make_case(case, index, precision, dtype)
            fixtures[precision] = fixture
            path = os.path.join(FIXTURES, fixture["name"] + ".json")
            with open(path, "w", encoding="utf-8") as f:
                f.write(to_json(fixture) + "\n")
            losses = ", ".join(f"{s['loss']:.6g}" for s in fixture["steps"])
            extra = ""
            if case.get("clipping"):
                extra = f"; clipped by norm {stats['clipped_by_norm']}, by value {stats['clipped_by_value']} " \
                        f"of {len(fixture['steps'])} steps"
            print(f"{os.path.relpath(path, HERE)}: losses {losses}{extra}")
        if "single" in fixtures:
            ratio, where = conditioning(fixtures["double"], fixtures["single"])
            print(f"  PyTorch float32 vs float64: {ratio:.3f} of the single-precision tolerance at {where}")
            assert ratio < MAX_CONDITIONING, f"{case['name']}: ill-conditioned for float32 ({ratio:.3f} at {where})"


if __name__ == "__main__":
    main()
