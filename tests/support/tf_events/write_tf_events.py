"""Writes TensorFlow event files for the TensorFlowEvent collector's tests, without TensorFlow.

The messages are real protocol buffers (python3-protobuf), declared here with the field numbers
of tensorflow/core/util/event.proto, framework/summary.proto and framework/tensor.proto, and framed
as TFRecords (length, masked CRC-32C, data, masked CRC-32C) as TensorFlow's writer frames them.

    write_tf_events.py FILE SPEC_JSON
SPEC_JSON: [{"step": 1, "wall_time": 1700000000.5, "values": [{"tag": "accuracy", "simple": 0.5},
            {"tag": "loss", "float_tensor": 0.25}, {"tag": "x", "double_tensor": 0.125},
            {"tag": "y", "content_tensor": 0.75}]}, ...]
"""
import json
import struct
import sys

from google.protobuf import descriptor_pb2, descriptor_pool, message_factory

F = descriptor_pb2.FieldDescriptorProto


def _messages():
    proto = descriptor_pb2.FileDescriptorProto(name="events_for_tests.proto", package="tensorflow")

    def message(name, fields):
        m = proto.message_type.add(name=name)
        for field_name, number, kind, type_name, repeated, packed in fields:
            f = m.field.add(name=field_name, number=number, type=kind,
                            label=F.LABEL_REPEATED if repeated else F.LABEL_OPTIONAL)
            if type_name:
                f.type_name = type_name
            if packed:
                f.options.packed = True

    message("TensorProto", [("dtype", 1, F.TYPE_INT32, None, False, False),
                            ("tensor_content", 4, F.TYPE_BYTES, None, False, False),
                            ("float_val", 5, F.TYPE_FLOAT, None, True, True),
                            ("double_val", 6, F.TYPE_DOUBLE, None, True, True)])
    message("Value", [("tag", 1, F.TYPE_STRING, None, False, False),
                      ("simple_value", 2, F.TYPE_FLOAT, None, False, False),
                      ("tensor", 8, F.TYPE_MESSAGE, ".tensorflow.TensorProto", False, False),
                      ("node_name", 7, F.TYPE_STRING, None, False, False)])
    message("Summary", [("value", 1, F.TYPE_MESSAGE, ".tensorflow.Value", True, False)])
    message("Event", [("wall_time", 1, F.TYPE_DOUBLE, None, False, False),
                      ("step", 2, F.TYPE_INT64, None, False, False),
                      ("file_version", 3, F.TYPE_STRING, None, False, False),
                      ("summary", 5, F.TYPE_MESSAGE, ".tensorflow.Summary", False, False)])
    pool = descriptor_pool.DescriptorPool()
    pool.Add(proto)
    get = getattr(message_factory, "GetMessageClass", None)
    if get is None:
        factory = message_factory.MessageFactory(pool)
        get = lambda d: factory.GetPrototype(d)  # noqa: E731
    return get(pool.FindMessageTypeByName("tensorflow.Event"))


def _crc32c(data):
    crc = 0xFFFFFFFF
    for byte in data:
        crc ^= byte
        for _ in range(8):
            crc = (crc >> 1) ^ 0x82F63B78 if crc & 1 else crc >> 1
    return crc ^ 0xFFFFFFFF


def _masked(data):
    crc = _crc32c(data)
    return ((((crc >> 15) | (crc << 17)) & 0xFFFFFFFF) + 0xA282EAD8) & 0xFFFFFFFF


def _record(payload):
    length = struct.pack("<Q", len(payload))
    return (length + struct.pack("<I", _masked(length)) + payload +
            struct.pack("<I", _masked(payload)))


def main():
    path, spec = sys.argv[1], json.loads(sys.argv[2])
    Event = _messages()
    out = bytearray(_record(Event(wall_time=spec[0]["wall_time"] if spec else 0,
                                  file_version="brain.Event:2").SerializeToString()))
    for item in spec:
        event = Event(wall_time=item["wall_time"], step=item["step"])
        for v in item["values"]:
            value = event.summary.value.add(tag=v["tag"])
            if "simple" in v:
                value.simple_value = v["simple"]
            elif "float_tensor" in v:
                value.tensor.dtype = 1
                value.tensor.float_val.append(v["float_tensor"])
            elif "double_tensor" in v:
                value.tensor.dtype = 2
                value.tensor.double_val.append(v["double_tensor"])
            elif "content_tensor" in v:
                value.tensor.dtype = 1
                value.tensor.tensor_content = struct.pack("<f", v["content_tensor"])
        out += _record(event.SerializeToString())
    with open(path, "wb") as f:
        f.write(out)


if __name__ == "__main__":
    main()
