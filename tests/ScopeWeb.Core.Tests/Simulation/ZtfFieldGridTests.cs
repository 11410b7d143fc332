using ScopeWeb.Core.Simulation;

namespace ScopeWeb.Core.Tests.Simulation;

public sealed class ZtfFieldGridTests
{
    [Fact]
    public void Grid_HasAZtfLikeNumberOfFields()
    {
        // ZTF's primary grid north of −31° has several hundred ~47 deg² fields.
        Assert.InRange(ZtfFieldGrid.FieldCount, 500, 1000);
    }

    [Fact]
    public void FieldCenter_LocatesBackToItsField()
    {
        for (var field = 1; field <= ZtfFieldGrid.FieldCount; field++)
        {
            var (ra, dec) = ZtfFieldGrid.FieldCenter(field);
            Assert.Equal(field, ZtfFieldGrid.Locate(ra, dec).Field);
        }
    }

    [Fact]
    public void Locate_SplitsAFieldIntoSixteenCcdsOfFourQuadrants()
    {
        // Field centre (3.5° from its edges): sample a 8×8 grid of quadrant centres of the field around it.
        var (ra, dec) = ZtfFieldGrid.FieldCenter(400);
        var width = 360.0 / Enumerable.Range(1, ZtfFieldGrid.FieldCount).Count(f => Math.Abs(ZtfFieldGrid.FieldCenter(f).DecDeg - dec) < 0.01);
        var seen = new HashSet<(int, int)>();
        for (var x = 0; x < 8; x++)
        {
            for (var y = 0; y < 8; y++)
            {
                var location = ZtfFieldGrid.Locate(ra - (width / 2) + ((x + 0.5) * width / 8), dec - 3.5 + ((y + 0.5) * 7.0 / 8));
                Assert.Equal(400, location.Field);
                seen.Add((location.Ccd, location.Quad));
            }
        }

        Assert.Equal(64, seen.Count);
    }

    [Fact]
    public void Locate_IsInRangeAllOverTheSky()
    {
        for (var dec = -31.0; dec <= 90; dec += 0.7)
        {
            for (var ra = 0.0; ra < 360; ra += 1.3)
            {
                var location = ZtfFieldGrid.Locate(ra, dec);
                Assert.InRange(location.Field, 1, ZtfFieldGrid.FieldCount);
                Assert.InRange(location.Ccd, 1, 16);
                Assert.InRange(location.Quad, 1, 4);
            }
        }
    }
}
