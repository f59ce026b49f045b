extern alias ServerAssembly;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using ServerAssembly::OpenMailserver.Server.Accounts;
using ServerAssembly::OpenMailserver.Server.Kernel;
using ServerAssembly::OpenMailserver.Server.Operations;
using ServerAssembly::OpenMailserver.Server.Storage;
using OpenMailserver.Tests.Infrastructure;

namespace OpenMailserver.Tests.Accounts;

/// <summary>The operator's key: a configured key replaces the generated one, and the last admin key cannot be
/// revoked even by two revocations at once.</summary>
public sealed class AdminKeyTests
{
    private const string Configured = "oms_configured-admin-key-replacing-the-generated-one";
    private const string Replaced = "OpenMailserver:AdminApiKey is set and replaces the admin key generated earlier";

    [Fact]
    public async Task A_configured_admin_key_revokes_the_generated_one_and_deletes_its_file_saying_so_once()
    {
        var directory = TestPaths.NewTempDirectory();
        var keyFile = Path.Combine(directory, "admin-api-key");
        string generated;
        await using (var first = new ServerFactory(directory))
        {
            generated = first.AdminKey;
            using var admin = first.Rest(generated);
            Assert.Equal(HttpStatusCode.OK, (await admin.GetAsync("/v1/mailboxes")).StatusCode);
        }

        var settings = new Dictionary<string, string?> { ["OpenMailserver:AdminApiKey"] = Configured };
        await using (var second = new ServerFactory(directory, settings))
        {
            using var old = second.Rest(generated);
            var refused = await old.GetAsync("/v1/mailboxes");
            Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
            Assert.Equal("""{"code":16,"message":"The API key is not valid: it is unknown, revoked, or its mailbox is disabled.","details":[]}""", await refused.Content.ReadAsStringAsync());
            using var admin = second.Rest(Configured);
            Assert.Equal(HttpStatusCode.OK, (await admin.GetAsync("/v1/mailboxes")).StatusCode);
            Assert.False(File.Exists(keyFile));
            Assert.Single(Logged(second), m => m.Contains(Replaced));
        }

        await using (var third = new ServerFactory(directory, settings))
        {
            using var admin = third.Rest(Configured);
            Assert.Equal(HttpStatusCode.OK, (await admin.GetAsync("/v1/mailboxes")).StatusCode);
            Assert.DoesNotContain(Logged(third), m => m.Contains(Replaced));
        }
    }

    [Fact]
    public async Task Two_concurrent_revocations_of_the_last_two_admin_keys_leave_one()
    {
        await using var server = new ServerFactory();
        var keys = server.Services.GetRequiredService<IApiKeyRepository>();
        var store = server.Services.GetRequiredService<IStore>();
        var service = server.Services.GetRequiredService<ApiKeyService>();
        var survivor = (Id: (await keys.FindByHashAsync(ApiKeySecret.Hash(server.AdminKey)))!.Id, Raw: server.AdminKey);

        // Each round adds a second operator key and revokes both at the same moment, from two threads.
        for (var round = 0; round < 20; round++)
        {
            var raw = ApiKeySecret.Generate();
            var id = await store.WriteAsync(tx => keys.InsertAsync(tx, ApiKeySecret.Hash(raw), ApiKeySecret.DisplayPrefix(raw), $"operator {round}",
                null, string.Join(' ', Scopes.AdminScopes), 0));
            using var start = new Barrier(2);
            var outcomes = await Task.WhenAll(new[] { survivor.Id, id }.Select(target => Task.Run(async () =>
            {
                start.SignalAndWait();
                try
                {
                    await service.RevokeAsync(target);
                    return "revoked";
                }
                catch (MailServerException e)
                {
                    return e.Message;
                }
            })));
            Assert.Equal(["This is the last admin key; revoking it would lock every operator out.", "revoked"], outcomes.Order(StringComparer.Ordinal));
            Assert.Equal(1, await keys.CountActiveAdminKeysAsync());
            if (outcomes[0] == "revoked") survivor = (id, raw);
        }
        using var operatorClient = server.Rest(survivor.Raw);
        Assert.Equal(HttpStatusCode.OK, (await operatorClient.GetAsync("/v1/mailboxes")).StatusCode);
    }

    private static IReadOnlyList<string> Logged(ServerFactory server) =>
        server.Services.GetRequiredService<LogRingBuffer>().Tail(2000, LogLevel.Information).Select(e => e.Message).ToList();
}
