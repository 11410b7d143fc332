using System.IO.Compression;
using System.Text;
using ScopeWeb.Core.Files;

namespace ScopeWeb.Core.Tests.Files;

public class DataFileTests
{
    [Theory]
    [InlineData("renamed.csv", true)]
    [InlineData("plain.csv.gz", false)]
    [InlineData("no-extension", true)]
    public async Task Gzip_is_told_by_its_bytes_not_its_name(string name, bool gzip)
    {
        using var folder = new ScratchFolder();
        var path = folder.File(name);
        var text = "obj_id,mjd\nZTF1,58000.5\n";
        if (gzip)
        {
            await using var gz = new GZipStream(File.Create(path), CompressionLevel.Fastest);
            await gz.WriteAsync(Encoding.UTF8.GetBytes(text));
        }
        else
        {
            await File.WriteAllTextAsync(path, text);
        }

        await using var stream = DataFile.OpenRead(path);
        using var reader = new StreamReader(stream);
        Assert.Equal(text, await reader.ReadToEndAsync());
    }

    [Fact]
    public async Task A_one_byte_file_is_plain()
    {
        using var folder = new ScratchFolder();
        await File.WriteAllBytesAsync(folder.File("x"), [0x1F]);
        await using var stream = DataFile.OpenRead(folder.File("x"));
        Assert.IsType<FileStream>(stream);
    }
}
