using System.Runtime.InteropServices;
using Google.Protobuf;
using ScopeWeb.Core.Classifiers.Onnx.Proto;

namespace ScopeWeb.Core.Classifiers.Onnx;

/// <summary>Small helpers that build ONNX protobuf pieces (tensors, attributes, value infos).</summary>
internal static class OnnxGraph
{
    public const string MlDomain = "ai.onnx.ml";

    /// <summary>A float32 initializer stored as little-endian raw bytes (the compact form ONNX Runtime reads fastest).</summary>
    public static TensorProto FloatTensor(string name, ReadOnlySpan<float> values, params long[] dims)
    {
        long expected = 1;
        foreach (var dim in dims)
        {
            expected *= dim;
        }

        if (expected != values.Length)
        {
            throw new ArgumentException($"Tensor '{name}' has {values.Length} values but its shape needs {expected}.", nameof(values));
        }

        if (!BitConverter.IsLittleEndian)
        {
            // ONNX raw_data is little-endian by definition; every supported platform is, so refuse rather than swap.
            throw new PlatformNotSupportedException("ONNX raw tensor data needs a little-endian platform.");
        }

        var tensor = new TensorProto { Name = name, DataType = (int)TensorProto.Types.DataType.Float };
        tensor.Dims.AddRange(dims);
        tensor.RawData = ByteString.CopyFrom(MemoryMarshal.AsBytes(values));
        return tensor;
    }

    /// <summary>A float32 tensor value info with a symbolic batch dimension "N" first.</summary>
    public static ValueInfoProto FloatBatchTensor(string name, params long[] trailingDims)
    {
        var shape = new TensorShapeProto();
        shape.Dim.Add(new TensorShapeProto.Types.Dimension { DimParam = "N" });
        foreach (var dim in trailingDims)
        {
            shape.Dim.Add(new TensorShapeProto.Types.Dimension { DimValue = dim });
        }

        return new ValueInfoProto
        {
            Name = name,
            Type = new TypeProto
            {
                TensorType = new TypeProto.Types.Tensor { ElemType = (int)TensorProto.Types.DataType.Float, Shape = shape },
            },
        };
    }

    public static NodeProto Node(string opType, string name, string[] inputs, string[] outputs, string? domain = null)
    {
        var node = new NodeProto { OpType = opType, Name = name };
        node.Input.AddRange(inputs);
        node.Output.AddRange(outputs);
        if (domain is not null)
        {
            node.Domain = domain;
        }

        return node;
    }

    public static AttributeProto Int(string name, long value) =>
        new() { Name = name, Type = AttributeProto.Types.AttributeType.Int, I = value };

    public static AttributeProto String(string name, string value) =>
        new() { Name = name, Type = AttributeProto.Types.AttributeType.String, S = ByteString.CopyFromUtf8(value) };

    public static AttributeProto Ints(string name, IEnumerable<long> values)
    {
        var attribute = new AttributeProto { Name = name, Type = AttributeProto.Types.AttributeType.Ints };
        attribute.Ints.AddRange(values);
        return attribute;
    }

    public static AttributeProto Floats(string name, IEnumerable<float> values)
    {
        var attribute = new AttributeProto { Name = name, Type = AttributeProto.Types.AttributeType.Floats };
        attribute.Floats.AddRange(values);
        return attribute;
    }

    public static AttributeProto Strings(string name, IEnumerable<string> values)
    {
        var attribute = new AttributeProto { Name = name, Type = AttributeProto.Types.AttributeType.Strings };
        attribute.Strings.AddRange(values.Select(ByteString.CopyFromUtf8));
        return attribute;
    }
}
