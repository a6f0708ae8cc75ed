"""Reads a TensorBoard event file with Google's protobuf runtime and protoc-generated classes.

TFRecord framing is checked byte by byte: uint64 LE length, masked CRC-32C of the length, payload,
masked CRC-32C of the payload (CRC-32C computed here, not by the writer's code).

Usage: /usr/bin/python3 read_tensorboard.py GENERATED_DIR EVENTS_FILE   (prints JSON)
GENERATED_DIR holds tensorboard_events_pb2.py (protoc --python_out).
"""
import json
import struct
import sys

sys.path.insert(0, sys.argv[1])
import tensorboard_events_pb2 as pb  # noqa: E402

POLY = 0x82F63B78
TABLE = []
for n in range(256):
    c = n
    for _ in range(8):
        c = (c >> 1) ^ POLY if c & 1 else c >> 1
    TABLE.append(c)


def crc32c(data):
    crc = 0xFFFFFFFF
    for b in data:
        crc = TABLE[(crc ^ b) & 0xFF] ^ (crc >> 8)
    return crc ^ 0xFFFFFFFF


def masked(data):
    crc = crc32c(data)
    return ((((crc >> 15) | (crc << 17)) & 0xFFFFFFFF) + 0xA282EAD8) & 0xFFFFFFFF


with open(sys.argv[2], "rb") as f:
    blob = f.read()
at = 0
scalars = {}
histograms = {}
file_version = None
records = 0
while at < len(blob):
    (length,) = struct.unpack_from("<Q", blob, at)
    (length_crc,) = struct.unpack_from("<I", blob, at + 8)
    assert length_crc == masked(blob[at : at + 8]), f"record {records}: bad length CRC"
    payload = blob[at + 12 : at + 12 + length]
    (payload_crc,) = struct.unpack_from("<I", blob, at + 12 + length)
    assert payload_crc == masked(payload), f"record {records}: bad data CRC"
    at += 12 + length + 4
    records += 1
    event = pb.Event()
    event.ParseFromString(payload)
    if event.WhichOneof("what") == "file_version":
        file_version = event.file_version
        continue
    for value in event.summary.value:
        kind = value.WhichOneof("value")
        if kind == "simple_value":
            scalars.setdefault(value.tag, []).append([event.step, value.simple_value, event.wall_time])
        elif kind == "histo":
            h = value.histo
            histograms.setdefault(value.tag, []).append(
                {"step": event.step, "num": h.num, "limits": list(h.bucket_limit), "counts": list(h.bucket), "sum": h.sum}
            )
print(json.dumps({"fileVersion": file_version, "records": records, "scalars": scalars, "histograms": histograms}))
