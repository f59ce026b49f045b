extern alias ServerAssembly;
using ServerAssembly::OpenMailserver.Server.Accounts;
using ServerAssembly::OpenMailserver.Server.Operations;

namespace OpenMailserver.Tests.Accounts;

public sealed class CredentialTests
{
    [Fact]
    public void Password_hash_is_salted_verifies_and_names_its_parameters()
    {
        var first = PasswordHasher.Hash("correct horse battery staple");
        var second = PasswordHasher.Hash("correct horse battery staple");
        Assert.NotEqual(first, second);
        Assert.StartsWith("pbkdf2-sha512$210000$", first);
        Assert.True(PasswordHasher.Verify("correct horse battery staple", first));
        Assert.False(PasswordHasher.Verify("correct horse battery stapler", first));
        Assert.False(PasswordHasher.Verify("anything", "md5$garbage"));
    }

    [Fact]
    public void Generated_passwords_and_keys_are_long_and_distinct()
    {
        var passwords = Enumerable.Range(0, 50).Select(_ => PasswordHasher.Generate()).ToHashSet();
        Assert.Equal(50, passwords.Count);
        Assert.All(passwords, p => Assert.Equal(24, p.Length));
        var key = ApiKeySecret.Generate();
        Assert.StartsWith("oms_", key);
        Assert.Equal(47, key.Length);
        Assert.Equal(32, ApiKeySecret.Hash(key).Length);
    }

    [Theory]
    [InlineData("key is oms_AbCdEf0123456789_-xyz here", "key is oms_***redacted*** here")]
    [InlineData("password=hunter22 next", "password=***redacted*** next")]
    [InlineData("AUTH PLAIN AGFnZW50AHNlY3JldA==", "AUTH PLAIN ***redacted***")]
    [InlineData("nothing secret", "nothing secret")]
    public void Redactor_removes_secrets(string input, string expected)
    {
        Assert.Equal(expected, SecretRedactor.Redact(input));
    }
}
