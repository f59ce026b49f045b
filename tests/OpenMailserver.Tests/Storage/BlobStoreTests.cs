extern alias ServerAssembly;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;
using ServerAssembly::OpenMailserver.Server.Configuration;
using ServerAssembly::OpenMailserver.Server.Storage;
using OpenMailserver.Tests.Infrastructure;

namespace OpenMailserver.Tests.Storage;

public sealed class BlobStoreTests : IDisposable
{
    private readonly string _directory = TestPaths.NewTempDirectory();
    private readonly BlobStore _store;

    public BlobStoreTests() => _store = new BlobStore(Options.Create(new StorageOptions(_directory)));

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
    public async Task Concurrent_writers_of_one_blob_each_return_only_once_the_whole_file_is_in_place()
    {
        var content = RandomNumberGenerator.GetBytes(2 * 1024 * 1024);
        var expected = Convert.ToHexStringLower(SHA256.HashData(content));
        // Each writer checks the file at the moment it returns: a writer that found the file already renamed
        // into place by another returns after syncing its directories, never before the file is whole.
        var seen = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => Task.Run(async () =>
        {
            var hash = await _store.WriteAsync(content);
            return (hash, Convert.ToHexStringLower(SHA256.HashData(await File.ReadAllBytesAsync(_store.PathFor(hash)))));
        })));
        Assert.All(seen, s => Assert.Equal((expected, expected), s));
        Assert.Single(Directory.GetFiles(Path.Combine(_directory, "messages", expected[..2])));
        Assert.Empty(Directory.GetFiles(Path.Combine(_directory, "messages", "tmp")));
    }

    [Fact]
    public void A_name_that_is_not_a_hash_cannot_reach_outside_the_store()
    {
        Assert.Throws<ArgumentException>(() => _store.PathFor("../../etc/passwd"));
    }

    public void Dispose() => Directory.Delete(_directory, recursive: true);
}
