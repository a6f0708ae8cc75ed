"""Loads a workbench safetensors export into a PyTorch VGG built from the widths in its metadata.

The file is parsed as the safetensors spec states it (8-byte little-endian header length, JSON header
with dtype/shape/data_offsets, __metadata__ string map, data after the header), without the workbench's
code. The VGG is the CIFAR VGG of the official code: 3x3 conv (bias) + BN + ReLU blocks in one
`features` Sequential, 2x2 max-pools where the indices skip one, global average pool, `classifier`.

Usage: /usr/bin/python3 torch_from_safetensors.py MODEL.safetensors BATCH.f32 N OUT.f32
BATCH.f32 holds N images in NCHW float32 (little-endian); OUT.f32 receives the N x classes logits.
"""
import json
import struct
import sys

import torch
from torch import nn

DTYPES = {"F32": torch.float32, "I64": torch.int64}


def read_safetensors(path):
    with open(path, "rb") as f:
        blob = f.read()
    (length,) = struct.unpack("<Q", blob[:8])
    header = json.loads(blob[8 : 8 + length].decode("utf-8"))
    metadata = header.pop("__metadata__")
    assert all(isinstance(k, str) and isinstance(v, str) for k, v in metadata.items()), "metadata must map str to str"
    data = blob[8 + length :]
    tensors = {}
    end_of_last = 0
    for name, entry in sorted(header.items(), key=lambda kv: kv[1]["data_offsets"][0]):
        begin, end = entry["data_offsets"]
        assert begin == end_of_last, f"{name}: tensors must be contiguous"
        end_of_last = end
        dtype = DTYPES[entry["dtype"]]
        t = torch.frombuffer(bytearray(data[begin:end]), dtype=dtype).reshape(entry["shape"])
        tensors[name] = t
    assert end_of_last == len(data), "data section has trailing bytes"
    return tensors, metadata


class VGG(nn.Module):
    def __init__(self, widths, in_channels, classes):
        super().__init__()
        conv_indices = sorted(int(name.split(".")[1]) for name in widths if name.startswith("features."))
        layers = []
        channels = in_channels
        for n, index in enumerate(conv_indices):
            assert len(layers) == index, f"conv features.{index} found at position {len(layers)}"
            width = widths[f"features.{index}"]
            layers += [nn.Conv2d(channels, width, 3, padding=1, bias=True), nn.BatchNorm2d(width), nn.ReLU(inplace=True)]
            channels = width
            if n + 1 < len(conv_indices) and conv_indices[n + 1] == index + 4:
                layers.append(nn.MaxPool2d(2, 2))
        self.features = nn.Sequential(*layers)
        self.classifier = nn.Linear(channels, classes)

    def forward(self, x):
        x = self.features(x)
        x = torch.flatten(nn.functional.adaptive_avg_pool2d(x, 1), 1)
        return self.classifier(x)


def main():
    path, batch_path, count, out_path = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4]
    tensors, metadata = read_safetensors(path)
    network = json.loads(metadata["chase.network"])
    widths = json.loads(metadata["chase.layer_widths"])
    channels, height, width = network["input"]["shape"]
    model = VGG(widths, channels, network["output"]["classes"])
    model.load_state_dict(tensors, strict=True)
    model.eval()
    with open(batch_path, "rb") as f:
        batch = torch.frombuffer(bytearray(f.read()), dtype=torch.float32).reshape(count, channels, height, width)
    with torch.no_grad():
        logits = model(batch)
    with open(out_path, "wb") as f:
        f.write(logits.contiguous().numpy().astype("<f4").tobytes())
    print(json.dumps({"layout": network["input"]["layout"], "classes": list(logits.shape)}))


main()
