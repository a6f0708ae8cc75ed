"""Checks an ONNX file with Debian's python3-onnx: the full checker, then strict shape inference.

Usage: /usr/bin/python3 check_onnx.py MODEL.onnx   (prints a JSON summary, exits non-zero on any error)
"""
import json
import sys

import onnx

model = onnx.load(sys.argv[1])
onnx.checker.check_model(model, full_check=True)
inferred = onnx.shape_inference.infer_shapes(model, check_type=True, strict_mode=True)
output = inferred.graph.output[0]
dims = [d.dim_param or d.dim_value for d in output.type.tensor_type.shape.dim]
value_shapes = {
    v.name: [d.dim_param or d.dim_value for d in v.type.tensor_type.shape.dim] for v in inferred.graph.value_info
}
print(json.dumps({
    "irVersion": model.ir_version,
    "opset": [o.version for o in model.opset_import if o.domain in ("", "ai.onnx")][0],
    "inputs": [i.name for i in model.graph.input],
    "output": output.name,
    "outputDims": dims,
    "inferredValues": len(value_shapes),
    "metadata": {p.key: p.value for p in model.metadata_props},
}))
