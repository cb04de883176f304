"""Builds tiny ONNX graphs with the exact input/output names, dtypes and shapes of the model contracts the
engine supports (DESIGN.md), each doing something a test can check exactly:

  native-inpaint.onnx  image f32 [N,3,H,W], mask f32 [N,1,H,W] (1 = hole) -> output f32: holes := FILL
  native-detect.onnx   image f32 [N,3,H,W] -> prob f32 [N,1,H,W] = red channel
  lama.onnx            LaMa (Carve) contract, fixed 512: output f32 in 0..255, holes := FILL*255
  migan.onnx           MI-GAN pipeline: uint8 image/mask (255 = keep) -> uint8 result, holes := FILL*255
  incompatible.onnx    a valid ONNX graph with unrelated names (x -> y)
  corrupt.onnx         bytes that are not a protobuf model

Usage: /usr/bin/python3 make_test_models.py OUT_DIR
"""
import sys
from pathlib import Path

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

FILL = [0.25, 0.5, 0.75]
OPSET = [helper.make_opsetid("", 17)]


def save(graph, path: Path) -> None:
    model = helper.make_model(graph, opset_imports=OPSET, producer_name="kintsugi-tests")
    model.ir_version = 8
    onnx.checker.check_model(model)
    onnx.save(model, str(path))


def fill_const(scale: float = 1.0):
    return numpy_helper.from_array(np.array(FILL, np.float32).reshape(1, 3, 1, 1) * scale, "fill")


def inpaint_graph(name, image_dims, mask_dims, out_dims, scale):
    # out = (image * (1 - mask) + fill * mask) * scale
    nodes = [
        helper.make_node("Sub", ["one", "mask"], ["keep"]),
        helper.make_node("Mul", ["image", "keep"], ["kept"]),
        helper.make_node("Mul", ["fill", "mask"], ["filled"]),
        helper.make_node("Add", ["kept", "filled"], ["sum"]),
        helper.make_node("Mul", ["sum", "scale"], ["output"]),
    ]
    inits = [
        numpy_helper.from_array(np.array(1.0, np.float32), "one"),
        numpy_helper.from_array(np.array(scale, np.float32), "scale"),
        fill_const(),
    ]
    return helper.make_graph(
        nodes, name,
        [helper.make_tensor_value_info("image", TensorProto.FLOAT, image_dims),
         helper.make_tensor_value_info("mask", TensorProto.FLOAT, mask_dims)],
        [helper.make_tensor_value_info("output", TensorProto.FLOAT, out_dims)],
        inits)


def main(out: Path) -> None:
    out.mkdir(parents=True, exist_ok=True)
    save(inpaint_graph("native", ["n", 3, "h", "w"], ["n", 1, "h", "w"], ["n", 3, "h", "w"], 1.0),
         out / "native-inpaint.onnx")
    save(inpaint_graph("lama", [1, 3, 512, 512], [1, 1, 512, 512], [1, 3, 512, 512], 255.0), out / "lama.onnx")

    det = helper.make_graph(
        [helper.make_node("Slice", ["image", "s0", "s1", "ax"], ["prob"])], "detect",
        [helper.make_tensor_value_info("image", TensorProto.FLOAT, ["n", 3, "h", "w"])],
        [helper.make_tensor_value_info("prob", TensorProto.FLOAT, ["n", 1, "h", "w"])],
        [numpy_helper.from_array(np.array([0], np.int64), "s0"),
         numpy_helper.from_array(np.array([1], np.int64), "s1"),
         numpy_helper.from_array(np.array([1], np.int64), "ax")])
    save(det, out / "native-detect.onnx")

    # MI-GAN: result = keep ? image : fill*255, all uint8, keep = (mask == 255)
    nodes = [
        helper.make_node("Cast", ["image"], ["img_f"], to=TensorProto.FLOAT),
        helper.make_node("Cast", ["mask"], ["mask_f"], to=TensorProto.FLOAT),
        helper.make_node("Div", ["mask_f", "c255"], ["keep"]),
        helper.make_node("Sub", ["one", "keep"], ["hole"]),
        helper.make_node("Mul", ["img_f", "keep"], ["kept"]),
        helper.make_node("Mul", ["fill255", "hole"], ["filled"]),
        helper.make_node("Add", ["kept", "filled"], ["sum"]),
        helper.make_node("Round", ["sum"], ["rounded"]),
        helper.make_node("Cast", ["rounded"], ["result"], to=TensorProto.UINT8),
    ]
    mig = helper.make_graph(
        nodes, "migan",
        [helper.make_tensor_value_info("image", TensorProto.UINT8, [1, 3, "H", "W"]),
         helper.make_tensor_value_info("mask", TensorProto.UINT8, [1, 1, "H", "W"])],
        [helper.make_tensor_value_info("result", TensorProto.UINT8, [1, 3, "H", "W"])],
        [numpy_helper.from_array(np.array(1.0, np.float32), "one"),
         numpy_helper.from_array(np.array(255.0, np.float32), "c255"),
         fill_const(255.0)])
    fill255 = mig.initializer[2]
    fill255.name = "fill255"
    save(mig, out / "migan.onnx")

    odd = helper.make_graph(
        [helper.make_node("Identity", ["x"], ["y"])], "odd",
        [helper.make_tensor_value_info("x", TensorProto.FLOAT, [1, 4])],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, [1, 4])])
    save(odd, out / "incompatible.onnx")

    (out / "corrupt.onnx").write_bytes(b"\x08\x07\x12\xff\xff\xff\xff\x0fnot really an onnx model" * 3)


if __name__ == "__main__":
    main(Path(sys.argv[1]))
