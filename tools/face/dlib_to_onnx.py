#!/usr/bin/env python3
"""Turns dlib's face recognition ResNet, written as XML by export_dlib_resnet.cpp, into ONNX.

dlib lists layers from the output (idx 0) to the input (highest idx); this walks them from the
input up. A "comp" layer applies to the tensor below it, "tag N" remembers that tensor, "skip N"
continues from the last "tag N", and add_prev adds the tagged tensor. dlib adds tensors of
different shapes by zero-padding both to the element-wise maximum (at the end of each axis), so
an Add of unequal shapes gets Pad nodes first: that happens where a residual block doubles the
channels, and at the 256-channel level where the strided conv gives 3x3 and the pool 4x4.

Usage: dlib_to_onnx.py net.xml out.onnx
"""
import sys
import xml.etree.ElementTree as ET

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper


def numbers(element):
    return np.array(element.text.split(), dtype=np.float32) if element.text else np.zeros(0, np.float32)


def convert(xml_path, onnx_path):
    layers = sorted(ET.parse(xml_path).getroot().findall("layer"), key=lambda l: -int(l.get("idx")))
    nodes, inits = [], []
    counter = [0]

    def name(prefix):
        counter[0] += 1
        return f"{prefix}_{counter[0]}"

    def const(prefix, array):
        n = name(prefix)
        inits.append(numpy_helper.from_array(np.ascontiguousarray(array), n))
        return n

    def node(op, inputs, **attrs):
        out = name(op.lower())
        nodes.append(helper.make_node(op, inputs, [out], **attrs))
        return out

    cur, shape, tags = None, None, {}
    for layer in layers:
        kind = layer.get("type")
        if kind == "input":
            spec = layer[0]
            assert spec.tag == "input_rgb_image_sized", spec.tag
            size = int(spec.get("nr"))
            mean = np.array([float(spec.get(c)) for c in "rgb"], np.float32).reshape(1, 3, 1, 1)
            cur = node("Div", [node("Sub", ["image", const("mean", mean)]), const("scale", np.array(256, np.float32))])
            shape = (3, size, size)
            continue
        if kind == "tag":
            tags[layer.get("id")] = (cur, shape)
            continue
        if kind == "skip":
            cur, shape = tags[layer.get("id")]
            continue
        if kind == "loss":
            continue
        assert kind == "comp", kind
        spec = layer[0]
        c, h, w = shape
        if spec.tag == "con":
            n, kh, kw = int(spec.get("num_filters")), int(spec.get("nr")), int(spec.get("nc"))
            sy, sx = int(spec.get("stride_y")), int(spec.get("stride_x"))
            py, px = int(spec.get("padding_y")), int(spec.get("padding_x"))
            params = numbers(spec)
            assert params.size == n * c * kh * kw + n, (params.size, n, c, kh, kw)
            weights = params[: n * c * kh * kw].reshape(n, c, kh, kw)
            bias = params[n * c * kh * kw:]
            cur = node("Conv", [cur, const("w", weights), const("b", bias)], kernel_shape=[kh, kw],
                       strides=[sy, sx], pads=[py, px, py, px])
            shape = (n, (h + 2 * py - kh) // sy + 1, (w + 2 * px - kw) // sx + 1)
        elif spec.tag == "affine_con":
            params = numbers(spec)
            assert params.size == 2 * c, (params.size, c)
            gamma, beta = params[:c].reshape(1, c, 1, 1), params[c:].reshape(1, c, 1, 1)
            cur = node("Add", [node("Mul", [cur, const("gamma", gamma)]), const("beta", beta)])
        elif spec.tag == "relu":
            cur = node("Relu", [cur])
        elif spec.tag in ("max_pool", "avg_pool"):
            kh, kw = int(spec.get("nr")), int(spec.get("nc"))
            if kh == 0 and kw == 0:
                assert spec.tag == "avg_pool"
                cur = node("GlobalAveragePool", [cur])
                shape = (c, 1, 1)
            else:
                sy, sx = int(spec.get("stride_y")), int(spec.get("stride_x"))
                py, px = int(spec.get("padding_y")), int(spec.get("padding_x"))
                op = "MaxPool" if spec.tag == "max_pool" else "AveragePool"
                cur = node(op, [cur], kernel_shape=[kh, kw], strides=[sy, sx], pads=[py, px, py, px])
                shape = (c, (h + 2 * py - kh) // sy + 1, (w + 2 * px - kw) // sx + 1)
        elif spec.tag == "add_prev":
            other, other_shape = tags[spec.get("tag")]
            target = tuple(max(a, b) for a, b in zip(shape, other_shape))

            def padded(t, s):
                if s == target:
                    return t
                pads = np.array([0, 0, 0, 0, 0] + [target[i] - s[i] for i in range(3)], np.int64)
                return node("Pad", [t, const("pads", pads)])

            cur = node("Add", [padded(cur, shape), padded(other, other_shape)])
            shape = target
        elif spec.tag == "fc_no_bias":
            outputs = int(spec.get("num_outputs"))
            params = numbers(spec)
            inputs = c * h * w
            assert params.size == inputs * outputs, (params.size, inputs, outputs)
            cur = node("MatMul", [node("Flatten", [cur], axis=1), const("fc", params.reshape(inputs, outputs))])
            shape = (outputs,)
        else:
            raise SystemExit(f"unknown layer {spec.tag}")

    nodes[-1].output[0] = "embedding"
    graph = helper.make_graph(
        nodes, "dlib_face_recognition_resnet_model_v1",
        [helper.make_tensor_value_info("image", TensorProto.FLOAT, [1, 3, 150, 150])],
        [helper.make_tensor_value_info("embedding", TensorProto.FLOAT, [1, 128])],
        inits)
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)], producer_name="kycd tools/face")
    model.ir_version = 8
    onnx.checker.check_model(model)
    onnx.save(model, onnx_path)
    print(f"{len(nodes)} nodes, output {shape}")


if __name__ == "__main__":
    convert(sys.argv[1], sys.argv[2])
