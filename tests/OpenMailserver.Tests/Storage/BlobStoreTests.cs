extern alias ServerAssembly;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;
using OpenMailserver.Tests.Infrastructure;
using ServerAssembly::OpenMailserver.Server.Hosting;
using ServerAssembly::OpenMailserver.Server.Storage;

namespace OpenMailserver.Tests.Storage;

public sealed class BlobStoreTests : IDisposable
{
    private readonly string _directory = TestPaths.NewTempDirectory();
    private readonly BlobStore _store;

    public BlobStoreTests() => _store = new BlobStore(Options.Create(new OpenMailserverOptions { DataDirectory = _directory }));

    [Fact]
    public async Task A_blob_is_named_by_its_sha256_and_reads_back_byte_for_byte()
    {
        var content = Encoding.UTF8.GetBytes("Subject: hi\r\n\r\nbody\r\n");
        var hash = await _store.WriteAsync(content);
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(content)), hash);
        Assert.Equal(content, await _store.ReadAsync(hash));
        Assert.True(File.Exists(Path.Combine(_directory, "messages", hash[..2], hash + ".eml")));
        Assert.Empty(Directory.GetFiles(Path.Combine(_directory, "messages", "tmp")));
    }

    [Fact]
    public async Task The_same_content_is_stored_once()
    {
        var content = RandomNumberGenerator.GetBytes(10_000);
        var first = await _store.WriteAsync(content);
        var second = await _store.WriteAsync(content);
        Assert.Equal(first, second);
        Assert.Single(Directory.GetFiles(Path.Combine(_directory, "messages", first[..2])));
    }

    [Fact]
    public void A_name_that_is_not_a_hash_cannot_reach_outside_the_store()
    {
        Assert.Throws<ArgumentException>(() => _store.PathFor("../../etc/passwd"));
    }

    public void Dispose() => Directory.Delete(_directory, recursive: true);
}
