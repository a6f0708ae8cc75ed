"""PyTorch reference for bench/trainingThroughput.ts: the same network, batch and optimizer, timed.

Builds the network from the JSON form of a ModelSpec (its `nodes`, emitted by the TypeScript bench), so
the two sides train exactly the same architecture. Runs Debian's python3-torch (`/usr/bin/python3`).

    /usr/bin/python3 bench/torch_reference.py SPEC.json [--threads 2] [--batch 100] [--warmup 3] [--steps 10]
                                              [--device cpu|cuda|auto]

prints one JSON line {"msPerStep": [...], ...}. With `--serve` it warms up, prints {"ready": ...}, then
answers each stdin line `time K` with the per-step times of K more timed steps (one JSON line), until
`quit`: the bench interleaves its own timings with these so both sides see the same machine load.
"""

import argparse
import json
import sys
import time

import torch
import torch.nn as nn
import torch.nn.functional as F


class SpecNet(nn.Module):
    """The ModelSpec's node graph in NCHW: one module per weighted node, evaluated in topological order."""

    def __init__(self, spec):
        super().__init__()
        self.nodes = spec["nodes"]
        self.output = spec["output"]
        self.layers = nn.ModuleDict()
        for node in self.nodes:
            kind = node["kind"]
            key = self.key(node["name"])
            if kind == "conv2d":
                kh, kw = node["kernelSize"]
                self.layers[key] = nn.Conv2d(
                    node["inChannels"],
                    node["outChannels"],
                    (kh, kw),
                    stride=node["stride"],
                    padding=node["padding"],
                    bias=node["useBias"],
                )
            elif kind == "dense":
                self.layers[key] = nn.Linear(node["inFeatures"], node["outFeatures"], bias=node["useBias"])
            elif kind == "batchnorm":
                norm = nn.BatchNorm2d if len(node["outShape"]) == 3 else nn.BatchNorm1d
                self.layers[key] = norm(node["channels"], eps=node["epsilon"], momentum=node["momentum"])
            elif kind == "maxpool":
                self.layers[key] = nn.MaxPool2d(node["size"], node["stride"])
            elif kind == "avgpool":
                self.layers[key] = nn.AvgPool2d(node["size"], node["stride"])
            elif kind not in ("input", "relu", "global-avgpool", "flatten", "add"):
                raise ValueError(f"node kind {kind!r} ({node['name']}) is not supported by the reference")

    @staticmethod
    def key(name):
        # ModuleDict keys may not contain dots (VGG nodes are named features.N).
        return name.replace(".", "_")

    def forward(self, x):
        values = {}
        for node in self.nodes:
            kind = node["kind"]
            a = values[node["inputs"][0]] if node["inputs"] else x
            if kind == "input":
                shape = node["outShape"]
                # The spec's [H, W, C] is NHWC; torch computes NCHW.
                y = a.reshape(-1, shape[2], shape[0], shape[1]) if len(shape) == 3 else a.reshape(-1, *shape)
            elif kind == "relu":
                y = F.relu(a)
            elif kind == "global-avgpool":
                y = a.mean(dim=(2, 3))
            elif kind == "flatten":
                y = a.flatten(1)
            elif kind == "add":
                y = a + values[node["inputs"][1]]
            else:
                y = self.layers[self.key(node["name"])](a)
            values[node["name"]] = y
        return values[self.output]


def build(args):
    with open(args.spec) as f:
        spec = json.load(f)
    torch.manual_seed(0)
    model = SpecNet(spec).to(args.device)
    model.train()
    optimizer = torch.optim.SGD(model.parameters(), lr=args.lr, momentum=args.momentum, weight_decay=args.weight_decay)
    shape = spec["input"]
    batches = []
    for _ in range(4):
        images = torch.randn(args.batch, *(shape if len(shape) == 1 else (shape[2], shape[0], shape[1])))
        labels = torch.randint(0, spec["classes"], (args.batch,))
        batches.append((images.to(args.device), labels.to(args.device)))
    return model, optimizer, batches


def make_step(model, optimizer, batches):
    counter = [0]

    def step():
        images, labels = batches[counter[0] % len(batches)]
        counter[0] += 1
        optimizer.zero_grad(set_to_none=True)
        logits = model(images)
        loss = F.cross_entropy(logits, labels)
        loss.backward()
        optimizer.step()
        # Our step reads the loss and the hit count back too.
        return loss.item(), int((logits.argmax(1) == labels).sum().item())

    return step


def timed(step, count, device):
    times = []
    for _ in range(count):
        start = time.perf_counter()
        step()
        # .item() already waits for the GPU; synchronizing says so in the code, not by accident.
        if device.type == "cuda":
            torch.cuda.synchronize(device)
        times.append((time.perf_counter() - start) * 1000)
    return times


def pick_device(name):
    if name == "auto":
        name = "cuda" if torch.cuda.is_available() else "cpu"
    if name == "cuda" and not torch.cuda.is_available():
        raise SystemExit("--device cuda: this PyTorch sees no CUDA GPU (torch.cuda.is_available() is False)")
    return torch.device(name)


def device_name(device):
    return torch.cuda.get_device_name(device) if device.type == "cuda" else "cpu"


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("spec", help="JSON ModelSpec (nodes, input, classes, output)")
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--batch", type=int, default=100)
    parser.add_argument("--warmup", type=int, default=3)
    parser.add_argument("--steps", type=int, default=10)
    parser.add_argument("--lr", type=float, default=0.1)
    parser.add_argument("--momentum", type=float, default=0.9)
    parser.add_argument("--weight-decay", type=float, default=5e-4)
    parser.add_argument("--device", default="cpu", choices=["cpu", "cuda", "auto"], help="auto: cuda if present")
    parser.add_argument("--serve", action="store_true", help="answer `time K` lines on stdin")
    args = parser.parse_args()
    args.device = pick_device(args.device)

    torch.set_num_threads(args.threads)
    model, optimizer, batches = build(args)
    step = make_step(model, optimizer, batches)
    warmup = timed(step, args.warmup, args.device)
    info = {
        "torch": torch.__version__,
        "device": device_name(args.device),
        "threads": torch.get_num_threads(),
        "batch": args.batch,
        "parameters": sum(p.numel() for p in model.parameters()),
        "warmupMs": warmup,
    }
    if not args.serve:
        print(json.dumps({**info, "msPerStep": timed(step, args.steps, args.device)}))
        return
    print(json.dumps({"ready": True, **info}), flush=True)
    for line in sys.stdin:
        words = line.split()
        if not words or words[0] == "quit":
            break
        if words[0] != "time" or len(words) != 2:
            print(json.dumps({"error": f"unknown command {line.strip()!r}"}), flush=True)
            continue
        print(json.dumps({"msPerStep": timed(step, int(words[1]), args.device)}), flush=True)


if __name__ == "__main__":
    main()
