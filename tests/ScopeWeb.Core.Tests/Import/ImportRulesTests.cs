using ScopeWeb.Core.Import;

namespace ScopeWeb.Core.Tests.Import;

public class ImportRulesTests
{
    [Theory]
    [InlineData("ab", "RRab")]
    [InlineData("c", "RRc")]
    [InlineData("RRab", "RRab")]
    [InlineData("SN Ia", "SNIa")]
    [InlineData("SN Ia-91T", "SNIa")]
    [InlineData("SN Ia-pec", "SNIa")]
    [InlineData("SN Iax", "SNIa")]
    [InlineData("SN II", "SN II")]
    [InlineData(" EW ", "EW")]
    [InlineData("", null)]
    public void Known_class_names_map_survey_labels_to_the_simulator_names(string raw, string? expected) =>
        Assert.Equal(expected, KnownClassNames.Normalize(raw));

    [Theory]
    [InlineData("08:29:47.59", 127.44829166666667)]
    [InlineData("08 29 47.59", 127.44829166666667)]
    [InlineData("127.5", 127.5)]
    public void Right_ascension_reads_degrees_or_sexagesimal_hours(string text, double expectedDeg)
    {
        Assert.True(SkyCoordinateText.TryParseRaDeg(text, out var ra));
        Assert.Equal(expectedDeg, ra, 9);
    }

    [Theory]
    [InlineData("+33:54:22.8", 33.906333333333333)]
    [InlineData("-00:30:00", -0.5)]
    [InlineData("-12.25", -12.25)]
    public void Declination_reads_degrees_or_sexagesimal_with_the_sign_of_the_whole_angle(string text, double expectedDeg)
    {
        Assert.True(SkyCoordinateText.TryParseDecDeg(text, out var dec));
        Assert.Equal(expectedDeg, dec, 9);
    }

    [Theory]
    [InlineData("25:00:00")]
    [InlineData("10:61:00")]
    [InlineData("360.5")]
    [InlineData("abc")]
    public void Impossible_right_ascensions_are_rejected(string text) =>
        Assert.False(SkyCoordinateText.TryParseRaDeg(text, out _));

    [Theory]
    [InlineData("objectId", "objectid")]
    [InlineData("object_id", "objectid")]
    [InlineData(" Period-Days ", "perioddays")]
    public void Headers_match_ignoring_case_and_separators(string header, string expected) =>
        Assert.Equal(expected, ImportColumns.Normalize(header));
}
