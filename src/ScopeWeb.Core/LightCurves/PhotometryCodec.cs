using System.Buffers.Binary;
using System.Runtime.InteropServices;

namespace ScopeWeb.Core.LightCurves;

/// <summary>
/// Packs a light curve into one blob: 19 bytes a point (f64 MJD, f32 mag, f32 error, u16 catflags, u8 flags),
/// stored column-wise so decoding is a handful of block copies. One row per band keeps a 1M-source
/// catalog at a few million rows instead of hundreds of millions.
/// </summary>
public static class PhotometryCodec
{
    private const byte Version = 1;
    private const int HeaderBytes = 5;
    private const byte UpperLimitFlag = 1;

    public static int BytesPerPoint => 8 + 4 + 4 + 2 + 1;

    public static byte[] Encode(Photometry p)
    {
        var n = p.Count;
        var buffer = new byte[HeaderBytes + (n * BytesPerPoint)];
        buffer[0] = Version;
        BinaryPrimitives.WriteInt32LittleEndian(buffer.AsSpan(1), n);
        var offset = HeaderBytes;
        offset += Copy(MemoryMarshal.AsBytes(p.Mjd.AsSpan()), buffer, offset);
        offset += Copy(MemoryMarshal.AsBytes(p.Mag.AsSpan()), buffer, offset);
        offset += Copy(MemoryMarshal.AsBytes(p.MagErr.AsSpan()), buffer, offset);
        offset += Copy(MemoryMarshal.AsBytes(p.CatFlags.AsSpan()), buffer, offset);
        for (var i = 0; i < n; i++)
        {
            buffer[offset + i] = p.IsUpperLimit[i] ? UpperLimitFlag : (byte)0;
        }

        return buffer;
    }

    public static Photometry Decode(ReadOnlySpan<byte> data)
    {
        if (data.Length < HeaderBytes || data[0] != Version)
        {
            throw new InvalidDataException($"Unknown light-curve encoding (version byte {(data.Length > 0 ? data[0] : -1)}).");
        }

        var n = BinaryPrimitives.ReadInt32LittleEndian(data[1..]);
        if (n < 0 || data.Length != HeaderBytes + (n * BytesPerPoint))
        {
            throw new InvalidDataException($"Light-curve blob of {data.Length} bytes does not hold {n} points.");
        }

        var mjd = new double[n];
        var mag = new float[n];
        var err = new float[n];
        var flags = new ushort[n];
        var ul = new bool[n];
        var offset = HeaderBytes;
        offset += Fill(data, offset, MemoryMarshal.AsBytes(mjd.AsSpan()));
        offset += Fill(data, offset, MemoryMarshal.AsBytes(mag.AsSpan()));
        offset += Fill(data, offset, MemoryMarshal.AsBytes(err.AsSpan()));
        offset += Fill(data, offset, MemoryMarshal.AsBytes(flags.AsSpan()));
        for (var i = 0; i < n; i++)
        {
            ul[i] = (data[offset + i] & UpperLimitFlag) != 0;
        }

        return new Photometry(mjd, mag, err, flags, ul);
    }

    /// <summary>Detections (points that are not upper limits) in an encoded light curve, without decoding it.</summary>
    public static int CountDetections(ReadOnlySpan<byte> data)
    {
        var n = BinaryPrimitives.ReadInt32LittleEndian(data[1..]);
        var flags = data[^n..];
        return n - flags.Count(UpperLimitFlag);
    }

    private static int Copy(ReadOnlySpan<byte> source, byte[] target, int offset)
    {
        source.CopyTo(target.AsSpan(offset));
        return source.Length;
    }

    private static int Fill(ReadOnlySpan<byte> data, int offset, Span<byte> target)
    {
        data.Slice(offset, target.Length).CopyTo(target);
        return target.Length;
    }
}
