using ScopeWeb.Core.Astronomy;

namespace ScopeWeb.Core.Tests.Astronomy;

public class SkyPositionTests
{
    [Fact]
    public void ZtfName_matches_the_Fritz_name_of_a_known_source()
    {
        // SkyPortal's example: ZTFJ183504.27-123108.6 sits at ra 278.767792, dec -12.519056.
        Assert.Equal("ZTFJ183504.27-123108.6", SkyPosition.ZtfName(278.767792, -12.519056));
    }

    [Fact]
    public void ZtfName_pads_and_signs_small_values()
    {
        Assert.Equal("ZTFJ000000.00+000000.0", SkyPosition.ZtfName(0, 0));
        Assert.Equal("ZTFJ000024.00-003036.0", SkyPosition.ZtfName(0.1, -0.51));
    }

    [Theory]
    [InlineData(10, 20, 10, 21, 3600)]
    [InlineData(10, 60, 11, 60, 1799.97)] // one degree of RA at dec 60 is about half a degree on the sky
    [InlineData(359.9, 0, 0.1, 0, 720)]
    [InlineData(0, 90, 180, 90, 0)]
    public void Separation_is_the_great_circle_distance(double ra1, double dec1, double ra2, double dec2, double expectedArcsec)
    {
        Assert.Equal(expectedArcsec, SkyPosition.SeparationArcsec(ra1, dec1, ra2, dec2), 0.5);
    }

    [Fact]
    public void BoundingBox_wraps_at_ra_zero()
    {
        var (raMin, raMax, decMin, decMax) = SkyPosition.BoundingBox(0.001, 10, 36);
        Assert.True(raMin > raMax, "a box across RA 0 wraps");
        Assert.InRange(raMin, 359.98, 360);
        Assert.InRange(raMax, 0.001, 0.02);
        Assert.Equal(9.99, decMin, 6);
        Assert.Equal(10.01, decMax, 6);
    }

    [Fact]
    public void BoundingBox_near_the_pole_covers_all_ra()
    {
        var (raMin, raMax, _, decMax) = SkyPosition.BoundingBox(45, 89.9995, 10);
        Assert.Equal(0, raMin);
        Assert.Equal(360, raMax);
        Assert.Equal(90, decMax);
    }
}
