"""PyTorch peer for GradSheet's MNIST benchmark.

Builds the same network from a GradSheet ModelSpec (JSON), trains it on the CPU
for a fixed number of batches of real MNIST images, and prints the measured
throughput as one JSON object. Used by `npm run bench:mnist`; not a test.
"""
import argparse
import json
import os
import struct
import time

import numpy as np
import torch
from torch import nn


def read_idx(path, dims):
    with open(path, "rb") as f:
        data = f.read()
    magic, = struct.unpack(">I", data[:4])
    if magic >> 8 != 0x08 or magic & 0xFF != dims:
        raise SystemExit(f"{path}: not an unsigned-byte IDX file with {dims} dimensions")
    shape = struct.unpack(">" + "I" * dims, data[4:4 + 4 * dims])
    return np.frombuffer(data, dtype=np.uint8, offset=4 + 4 * dims).reshape(shape)


def build(spec):
    channels, height, width = spec["input"]
    layers = []
    shape = (channels, height, width)
    for layer in spec["layers"]:
        kind = layer["type"]
        if kind == "conv2d":
            layers.append(nn.Conv2d(shape[0], layer["filters"], layer["kernel"], layer.get("stride", 1), layer.get("padding", 0), bias=layer.get("bias", True)))
        elif kind == "batchnorm":
            layers.append(nn.BatchNorm2d(shape[0]) if len(shape) == 3 else nn.BatchNorm1d(shape[0]))
        elif kind == "relu":
            layers.append(nn.ReLU())
        elif kind == "dropout":
            layers.append(nn.Dropout(layer["rate"]))
        elif kind == "maxpool":
            layers.append(nn.MaxPool2d(layer["size"], layer.get("stride", layer["size"])))
        elif kind == "avgpool":
            layers.append(nn.AvgPool2d(layer["size"], layer.get("stride", layer["size"])))
        elif kind == "gap":
            layers.append(nn.AdaptiveAvgPool2d(1))
        elif kind == "flatten":
            layers.append(nn.Flatten())
        elif kind == "dense":
            if len(shape) == 3:
                layers.append(nn.Flatten())
            features = int(np.prod(shape))
            layers.append(nn.Linear(features, layer["units"], bias=layer.get("bias", True)))
        else:
            raise SystemExit(f"unknown layer type {kind}")
        with torch.no_grad():
            shape = tuple(nn.Sequential(*layers).eval()(torch.zeros(1, channels, height, width)).shape[1:])
    return nn.Sequential(*layers)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--spec", required=True)
    parser.add_argument("--data", required=True)
    parser.add_argument("--batch-size", type=int, default=128)
    parser.add_argument("--batches", type=int, default=60)
    parser.add_argument("--warmup", type=int, default=5)
    parser.add_argument("--threads", type=int, default=0, help="0: PyTorch's default")
    parser.add_argument("--no-ema", dest="ema", action="store_false", help="leave out the weight average even when the recipe has one")
    args = parser.parse_args()
    if args.threads:
        torch.set_num_threads(args.threads)
    torch.manual_seed(1)
    with open(args.spec) as f:
        spec = json.load(f)
    images = read_idx(os.path.join(args.data, "train-images-idx3-ubyte"), 3)
    labels = read_idx(os.path.join(args.data, "train-labels-idx1-ubyte"), 1)
    x = torch.from_numpy(((images.astype(np.float32) / 255 - 0.1307) / 0.3081)[:, None, :, :])
    y = torch.from_numpy(labels.astype(np.int64))
    model = build(spec).train()
    training = spec["training"]
    if training["optimizer"] == "adam":
        optimizer = torch.optim.Adam(model.parameters(), lr=training["lr"])
    else:
        optimizer = torch.optim.SGD(model.parameters(), lr=training["lr"], momentum=training.get("momentum", 0.9))
    loss_fn = nn.CrossEntropyLoss()
    b = args.batch_size
    # GradSheet keeps a moving average of every weight (running statistics included)
    # when the recipe asks for one; the peer does the same work after each step.
    decay = training.get("emaDecay", 0) if args.ema else 0
    tracked = [t for t in list(model.parameters()) + list(model.buffers()) if t.is_floating_point()]
    average = [t.detach().clone() for t in tracked] if decay > 0 else []
    order = torch.randperm(len(x))

    def step(i):
        # A shuffled batch, as GradSheet's trainer draws them.
        picked = order[(i * b) % (len(x) - b):][:b]
        optimizer.zero_grad()
        loss = loss_fn(model(x[picked]), y[picked])
        loss.backward()
        optimizer.step()
        if average:
            with torch.no_grad():
                torch._foreach_mul_(average, decay)
                torch._foreach_add_(average, [t.detach() for t in tracked], alpha=1 - decay)
        return loss.item()

    for i in range(args.warmup):
        step(i)
    began = time.perf_counter()
    cpu_began = time.process_time()
    for i in range(args.batches):
        step(args.warmup + i)
    seconds = time.perf_counter() - began
    cpu_seconds = time.process_time() - cpu_began
    print(json.dumps({
        "imagesPerSecond": args.batches * b / seconds,
        # CPU time of all its threads: on a busy machine, what the work cost rather than how long it waited.
        "cpuMsPerStep": 1000 * cpu_seconds / args.batches,
        "threads": torch.get_num_threads(),
        "torch": torch.__version__,
        "parameters": sum(p.numel() for p in model.parameters() if p.requires_grad),
        "ema": bool(average),
    }))


if __name__ == "__main__":
    main()
