using Google.Protobuf;
using ScopeWeb.Core.Classifiers.Onnx.Proto;

namespace ScopeWeb.Core.Classifiers.Onnx;

/// <summary>
/// Reads and adds an ONNX file's <c>metadata_props</c> without touching anything else in it. Entries are added by
/// appending them to the file's bytes: protobuf concatenation merges messages and a repeated field's elements are
/// appended, so the result is the original model, byte for byte, followed by the new entries (same graph, same
/// weights, hence the same predictions), whatever fields the model uses that ScopeWeb's proto subset does not know.
/// </summary>
public static class OnnxMetadata
{
    // ModelProto.metadata_props (onnx/onnx.proto, as in onnx_subset.proto).
    private const int MetadataPropsField = 14;

    /// <summary>The file's metadata_props entries, in file order.</summary>
    /// <exception cref="InvalidDataException">The file is not a protobuf message (not an ONNX model).</exception>
    public static IReadOnlyList<KeyValuePair<string, string>> Read(string onnxPath)
    {
        using var stream = File.OpenRead(onnxPath);
        return Read(stream, onnxPath);
    }

    /// <summary>
    /// Copies <paramref name="sourcePath"/> to <paramref name="target"/> with <paramref name="entries"/> added to its
    /// metadata_props. An entry the file already has with the same value is not added again (ONNX wants keys unique);
    /// one it has with another value is refused, so a model's recorded identity is never overwritten.
    /// </summary>
    /// <returns>How many entries were added.</returns>
    /// <exception cref="InvalidDataException">The file is not an ONNX model, or already records another value for a key.</exception>
    public static int CopyWithEntries(string sourcePath, Stream target, IReadOnlyDictionary<string, string> entries)
    {
        ArgumentNullException.ThrowIfNull(target);
        ArgumentNullException.ThrowIfNull(entries);
        using var source = File.OpenRead(sourcePath);
        var existing = Read(source, sourcePath);
        var missing = new List<KeyValuePair<string, string>>();
        foreach (var (key, value) in entries.OrderBy(pair => pair.Key, StringComparer.Ordinal))
        {
            var present = existing.Where(pair => string.Equals(pair.Key, key, StringComparison.Ordinal)).ToList();
            if (present.Count == 0)
            {
                missing.Add(new(key, value));
            }
            else if (present.Any(pair => !string.Equals(pair.Value, value, StringComparison.Ordinal)))
            {
                throw new InvalidDataException(
                    $"{sourcePath}: metadata '{key}' is already '{present[0].Value}', not '{value}'; a model's recorded metadata is not overwritten.");
            }
        }

        source.Position = 0;
        source.CopyTo(target);
        using (var output = new CodedOutputStream(target, leaveOpen: true))
        {
            foreach (var (key, value) in missing)
            {
                output.WriteTag(MetadataPropsField, WireFormat.WireType.LengthDelimited);
                output.WriteMessage(new StringStringEntryProto { Key = key, Value = value });
            }
        }

        return missing.Count;
    }

    /// <summary>The bytes <see cref="CopyWithEntries"/> appends for <paramref name="entries"/> (in key order), e.g. to show a file is its original plus them.</summary>
    public static byte[] EncodeEntries(IEnumerable<KeyValuePair<string, string>> entries)
    {
        ArgumentNullException.ThrowIfNull(entries);
        using var buffer = new MemoryStream();
        using (var output = new CodedOutputStream(buffer, leaveOpen: true))
        {
            foreach (var (key, value) in entries.OrderBy(pair => pair.Key, StringComparer.Ordinal))
            {
                output.WriteTag(MetadataPropsField, WireFormat.WireType.LengthDelimited);
                output.WriteMessage(new StringStringEntryProto { Key = key, Value = value });
            }
        }

        return buffer.ToArray();
    }

    /// <summary>Scans the top-level fields only: nested messages (the graph) are skipped, not parsed.</summary>
    private static List<KeyValuePair<string, string>> Read(Stream stream, string name)
    {
        var entries = new List<KeyValuePair<string, string>>();
        try
        {
            var input = new CodedInputStream(stream, leaveOpen: true);
            uint tag;
            while ((tag = input.ReadTag()) != 0)
            {
                if (WireFormat.GetTagFieldNumber(tag) == MetadataPropsField && WireFormat.GetTagWireType(tag) == WireFormat.WireType.LengthDelimited)
                {
                    var entry = new StringStringEntryProto();
                    input.ReadMessage(entry);
                    entries.Add(new(entry.Key, entry.Value));
                }
                else
                {
                    input.SkipLastField();
                }
            }
        }
        catch (InvalidProtocolBufferException ex)
        {
            throw new InvalidDataException($"{name}: not an ONNX model (not a protobuf message): {ex.Message}", ex);
        }

        return entries;
    }
}
