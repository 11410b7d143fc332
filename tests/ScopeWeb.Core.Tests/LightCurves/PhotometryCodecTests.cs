using ScopeWeb.Core.LightCurves;

namespace ScopeWeb.Core.Tests.LightCurves;

public class PhotometryCodecTests
{
    [Fact]
    public void Encode_then_decode_returns_every_point_bit_for_bit()
    {
        var p = new Photometry(
            [58000.123456789, 58001.5, 58010.25],
            [17.25f, 20.6f, 16.0f],
            [0.021f, float.NaN, 0.011f],
            [0, 0, 32768],
            [false, true, false]);

        var back = PhotometryCodec.Decode(PhotometryCodec.Encode(p));

        Assert.Equal(p.Mjd, back.Mjd);
        Assert.Equal(p.Mag, back.Mag);
        Assert.Equal(p.MagErr[0], back.MagErr[0]);
        Assert.True(float.IsNaN(back.MagErr[1]));
        Assert.Equal(p.CatFlags, back.CatFlags);
        Assert.Equal(p.IsUpperLimit, back.IsUpperLimit);
        Assert.Equal(2, back.DetectionCount);
    }

    [Fact]
    public void Encoding_costs_19_bytes_a_point()
    {
        var p = Photometry.FromPoints(Enumerable.Range(0, 1000).Select(i => new PhotometryPoint(58000 + i, 18, 0.05f)).ToList());
        Assert.Equal(5 + (1000 * 19), PhotometryCodec.Encode(p).Length);
    }

    [Fact]
    public void Empty_light_curve_round_trips()
    {
        Assert.Equal(0, PhotometryCodec.Decode(PhotometryCodec.Encode(Photometry.Empty)).Count);
    }

    [Fact]
    public void Truncated_blob_is_rejected_with_a_clear_error()
    {
        var bytes = PhotometryCodec.Encode(Photometry.FromPoints([new PhotometryPoint(58000, 18, 0.05f)]));
        var ex = Assert.Throws<InvalidDataException>(() => PhotometryCodec.Decode(bytes.AsSpan(0, bytes.Length - 1)));
        Assert.Contains("1 points", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void FromPoints_sorts_by_time()
    {
        var p = Photometry.FromPoints([new PhotometryPoint(3, 1, 0.1f), new PhotometryPoint(1, 2, 0.1f), new PhotometryPoint(2, 3, 0.1f)]);
        Assert.Equal([1.0, 2.0, 3.0], p.Mjd);
        Assert.Equal([2f, 3f, 1f], p.Mag);
    }

    [Theory]
    [InlineData("g", "g")]
    [InlineData("ztfg", "g")]
    [InlineData("ZTF_r", "r")]
    [InlineData("R", "r")]
    [InlineData("1", "g")]
    [InlineData("2", "r")]
    [InlineData("3", "i")]
    [InlineData("z", "z")]
    [InlineData("u", "u")]
    [InlineData("lsstu", "u")]
    [InlineData("4", null)]
    [InlineData("", null)]
    [InlineData("V", null)]
    public void Band_spellings_normalise(string raw, string? expected) => Assert.Equal(expected, Bands.Normalize(raw));
}
