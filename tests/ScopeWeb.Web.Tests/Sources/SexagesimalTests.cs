using ScopeWeb.Web.Sources;

namespace ScopeWeb.Web.Tests.Sources;

public class SexagesimalTests
{
    [Theory]
    [InlineData(0.0, "00:00:00.00")]
    [InlineData(15.0, "01:00:00.00")]
    [InlineData(83.63308, "05:34:31.94")]       // Crab nebula
    [InlineData(359.99999999, "00:00:00.00")]   // rounds up past 24 h and wraps
    [InlineData(-15.0, "23:00:00.00")]
    [InlineData(0.0041666, "00:00:01.00")]      // 0.99998 s rounds to a whole second, not 00:00:00.100
    public void Ra_is_hours_minutes_seconds(double raDeg, string expected)
    {
        Assert.Equal(expected, Sexagesimal.Ra(raDeg));
    }

    [Theory]
    [InlineData(0.0, "+00:00:00.0")]
    [InlineData(22.0145, "+22:00:52.2")]
    [InlineData(-5.5, "-05:30:00.0")]
    [InlineData(-0.00000001, "+00:00:00.0")]     // no negative zero
    [InlineData(89.99999999, "+90:00:00.0")]
    [InlineData(-30.999999, "-31:00:00.0")]      // 59.9999″ carries into the minutes
    public void Dec_is_signed_degrees_arcminutes_arcseconds(double decDeg, string expected)
    {
        Assert.Equal(expected, Sexagesimal.Dec(decDeg));
    }
}
