using System.Buffers.Binary;
using System.Globalization;
using System.IO.Compression;
using System.IO.Hashing;

namespace ScopeWeb.Core.Files;

/// <summary>
/// Reads gzip (RFC 1952) member by member and checks what <see cref="GZipStream"/> lets through: data that stops short
/// (GZipStream just ends, so a file cut mid-value reads as a shorter value) and a trailer whose CRC-32 or length does not
/// match the member's data. Concatenated members (<c>cat a.gz b.gz</c>) read as one stream. Every such problem is an
/// <see cref="InvalidDataException"/> naming the file (<see cref="DataFile.Damage"/> gives the problem alone), raised
/// before the stream reports its end, so a reader never sees the end of a damaged file as the end of the data.
/// </summary>
/// <remarks>
/// What GZipStream does and does not check: docs/toolchain.md (gzip in .NET 10).
/// Each member's header is parsed here and its deflate data inflated by <see cref="DeflateStream"/>, which is fed through
/// <see cref="Feeder"/>. DeflateStream asks for input only once it has used all it was given, and does not say how much
/// of its last chunk it left unused when the member ended; so the 8-byte trailer starts inside (or right after) the last
/// chunk fed, and is found there as the bytes it must hold: the CRC-32 and length of what the member decompressed to.
/// </remarks>
internal sealed class VerifiedGzipStream : Stream
{
    private const int BufferSize = 1 << 16;
    private const int TrailerLength = 8;

    private readonly Stream _compressed;
    private readonly string _fileName;
    private readonly byte[] _in = new byte[BufferSize];
    private readonly Crc32 _crc = new();
    private readonly Feeder _feeder;

    /// <summary>Unread compressed bytes are <c>_in[_start.._end)</c>; <c>_in[0]</c> is byte <see cref="_inOffset"/> of the file.</summary>
    private int _start;

    private int _end;
    private long _inOffset;
    private bool _endOfFile;

    private DeflateStream? _deflate;

    /// <summary>Where in <see cref="_in"/> the last chunk handed to the inflater starts.</summary>
    private int _lastChunkStart;

    /// <summary>The inflater asked for more input and the file had none: the member's deflate data is cut short.</summary>
    private bool _starved;

    private long _memberLength;
    private int _members;
    private bool _finished;
    private InvalidDataException? _failure;

    public VerifiedGzipStream(Stream compressed, string fileName)
    {
        _compressed = compressed;
        _fileName = fileName;
        _feeder = new Feeder(this);
    }

    public override bool CanRead => true;
    public override bool CanSeek => false;
    public override bool CanWrite => false;
    public override long Length => throw new NotSupportedException();

    public override long Position
    {
        get => throw new NotSupportedException();
        set => throw new NotSupportedException();
    }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        if (_failure is not null)
        {
            // A reader that tries again after the error still must not see an end of data.
            throw _failure;
        }

        if (buffer.IsEmpty)
        {
            return 0;
        }

        try
        {
            while (!_finished)
            {
                if (_deflate is null && !StartMember())
                {
                    _finished = true;
                    break;
                }

                int n;
                try
                {
                    n = _deflate!.Read(buffer);
                }
                catch (InvalidDataException ex) when (DataFile.Damage(ex) is null)
                {
                    throw Fail(string.Create(CultureInfo.InvariantCulture,
                        $"the gzip data is damaged: member {_members} is not valid deflate data (near byte {_inOffset + _start:N0} of the file)"), ex);
                }

                if (n > 0)
                {
                    _crc.Append(buffer[..n]);
                    _memberLength += n;
                    return n;
                }

                EndMember();
            }

            return 0;
        }
        catch (InvalidDataException ex) when (_failure is null && DataFile.Damage(ex) is not null)
        {
            _failure = ex;
            throw;
        }
    }

    public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        // The file is opened for synchronous, sequential reads; the base class would only queue this to the pool.
        cancellationToken.ThrowIfCancellationRequested();
        try
        {
            return ValueTask.FromResult(Read(buffer.Span));
        }
        catch (Exception ex) when (ex is IOException or InvalidDataException)
        {
            return ValueTask.FromException<int>(ex);
        }
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _deflate?.Dispose();
            _compressed.Dispose();
        }

        base.Dispose(disposing);
    }

    /// <summary>Parses the next member's header; false at the end of the file after at least one member.</summary>
    private bool StartMember()
    {
        if (_members > 0 && !Ensure(1))
        {
            return false;
        }

        var headerOffset = _inOffset + _start;
        var complete = Ensure(10);
        var available = _end - _start;
        if ((available >= 1 && _in[_start] != 0x1F) || (available >= 2 && _in[_start + 1] != 0x8B))
        {
            // Another member would start here; anything else (zero padding, a second file glued on) is not gzip data.
            throw Fail(string.Create(CultureInfo.InvariantCulture,
                $"unexpected data after gzip member {_members} (at byte {headerOffset:N0}): not another gzip member; the file is damaged"));
        }

        if (!complete)
        {
            throw HeaderCutShort();
        }

        if (_in[_start + 2] != 8)
        {
            throw Fail(string.Create(CultureInfo.InvariantCulture,
                $"gzip member {_members + 1} uses compression method {_in[_start + 2]}, not deflate (8)"));
        }

        var flags = _in[_start + 3];
        if ((flags & 0xE0) != 0)
        {
            throw Fail(string.Create(CultureInfo.InvariantCulture, $"gzip member {_members + 1} sets reserved header flags (0x{flags:X2}); the file is damaged"));
        }

        _start += 10;
        if ((flags & 0x04) != 0)
        {
            // FEXTRA: a 2-byte length, then that many bytes.
            if (!Ensure(2))
            {
                throw HeaderCutShort();
            }

            var extraLength = BinaryPrimitives.ReadUInt16LittleEndian(_in.AsSpan(_start, 2));
            _start += 2;
            Skip(extraLength);
        }

        if ((flags & 0x08) != 0)
        {
            SkipZeroTerminated(); // FNAME
        }

        if ((flags & 0x10) != 0)
        {
            SkipZeroTerminated(); // FCOMMENT
        }

        if ((flags & 0x02) != 0)
        {
            Skip(2); // FHCRC
        }

        _members++;
        _crc.Reset();
        _memberLength = 0;
        _starved = false;
        _lastChunkStart = _start;
        _deflate = new DeflateStream(_feeder, CompressionMode.Decompress, leaveOpen: true);
        return true;
    }

    /// <summary>The inflater has ended: checks that the member's deflate data was complete and finds its trailer.</summary>
    private void EndMember()
    {
        if (_starved)
        {
            throw Fail(string.Create(CultureInfo.InvariantCulture,
                $"the gzip data is truncated: the file ends inside compressed member {_members}, after {_memberLength:N0} bytes of its data (the file is incomplete; copy or download it again)"));
        }

        _deflate!.Dispose();
        _deflate = null;

        // The trailer starts somewhere from the last chunk fed to the end of it: keep that chunk and 8 bytes more.
        var chunkLength = _start - _lastChunkStart;
        Compact(_lastChunkStart);
        Fill(chunkLength + TrailerLength);
        var crc = _crc.GetCurrentHashAsUInt32();
        var length = unchecked((uint)_memberLength); // ISIZE is the length modulo 2^32
        Span<byte> expected = stackalloc byte[TrailerLength];
        BinaryPrimitives.WriteUInt32LittleEndian(expected, crc);
        BinaryPrimitives.WriteUInt32LittleEndian(expected[4..], length);

        var last = Math.Min(chunkLength, _end - TrailerLength);
        for (var p = 0; p <= last; p++)
        {
            if (_in.AsSpan(p, TrailerLength).SequenceEqual(expected))
            {
                _start = p + TrailerLength;
                return;
            }
        }

        // No trailer matches: say which half disagrees when one of them does match somewhere it could be.
        for (var p = 0; p <= last; p++)
        {
            if (_in.AsSpan(p + 4, 4).SequenceEqual(expected[4..]))
            {
                var stored = BinaryPrimitives.ReadUInt32LittleEndian(_in.AsSpan(p, 4));
                throw Fail(string.Create(CultureInfo.InvariantCulture,
                    $"gzip member {_members} fails its CRC-32 check (the trailer says {stored:X8}, the data give {crc:X8}): the file is damaged"));
            }
        }

        for (var p = 0; p <= last; p++)
        {
            if (_in.AsSpan(p, 4).SequenceEqual(expected[..4]))
            {
                var stored = BinaryPrimitives.ReadUInt32LittleEndian(_in.AsSpan(p + 4, 4));
                throw Fail(string.Create(CultureInfo.InvariantCulture,
                    $"gzip member {_members} fails its length check (the trailer says {stored:N0} bytes, the data are {length:N0} bytes modulo 2^32): the file is damaged"));
            }
        }

        throw Fail(string.Create(CultureInfo.InvariantCulture,
            $"gzip member {_members} does not end with its trailer (the CRC-32 and length after the compressed data): the file is truncated or damaged"));
    }

    /// <summary>Hands the inflater the next compressed bytes; 0 only at the end of the file.</summary>
    private int FeedInflater(Span<byte> destination)
    {
        if (_start == _end)
        {
            // The inflater used all it was given: nothing before here is needed any more.
            Compact(_end);
            Fill(1);
            if (_start == _end)
            {
                _starved = true;
                return 0;
            }
        }

        var n = Math.Min(destination.Length, _end - _start);
        _in.AsSpan(_start, n).CopyTo(destination);
        _lastChunkStart = _start;
        _start += n;
        return n;
    }

    /// <summary>True when at least <paramref name="count"/> unread bytes are buffered (reading more if needed).</summary>
    private bool Ensure(int count)
    {
        if (_end - _start >= count)
        {
            return true;
        }

        Compact(_start);
        Fill(count);
        return _end - _start >= count;
    }

    /// <summary>Moves <c>_in[from.._end)</c> to the front; <see cref="_start"/> moves with it.</summary>
    private void Compact(int from)
    {
        if (from == 0)
        {
            return;
        }

        var kept = _end - from;
        _in.AsSpan(from, kept).CopyTo(_in);
        _inOffset += from;
        _start -= from;
        _end = kept;
    }

    /// <summary>Reads until <c>_in[0.._end)</c> holds at least <paramref name="count"/> bytes or the file ends.</summary>
    private void Fill(int count)
    {
        while (_end < count && !_endOfFile)
        {
            var n = _compressed.Read(_in, _end, _in.Length - _end);
            if (n == 0)
            {
                _endOfFile = true;
            }

            _end += n;
        }
    }

    private void Skip(int count)
    {
        while (count > 0)
        {
            if (!Ensure(1))
            {
                throw HeaderCutShort();
            }

            var n = Math.Min(count, _end - _start);
            _start += n;
            count -= n;
        }
    }

    private void SkipZeroTerminated()
    {
        while (true)
        {
            if (!Ensure(1))
            {
                throw HeaderCutShort();
            }

            if (_in[_start++] == 0)
            {
                return;
            }
        }
    }

    private InvalidDataException HeaderCutShort() =>
        Fail(string.Create(CultureInfo.InvariantCulture, $"the header of gzip member {_members + 1} is cut short (the file is incomplete)"));

    private InvalidDataException Fail(string problem, Exception? inner = null) => DataFile.Damaged(_fileName, problem, inner);

    /// <summary>The inflater's input: the outer stream's buffer, one chunk at a time.</summary>
    private sealed class Feeder(VerifiedGzipStream owner) : Stream
    {
        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => throw new NotSupportedException();

        public override long Position
        {
            get => throw new NotSupportedException();
            set => throw new NotSupportedException();
        }

        public override int Read(byte[] buffer, int offset, int count) => owner.FeedInflater(buffer.AsSpan(offset, count));

        public override int Read(Span<byte> buffer) => owner.FeedInflater(buffer);

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
