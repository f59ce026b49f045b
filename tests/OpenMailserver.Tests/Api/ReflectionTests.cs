using Grpc.Net.Client;
using Grpc.Reflection.V1Alpha;
using OpenMailserver.Tests.Infrastructure;

namespace OpenMailserver.Tests.Api;

/// <summary>gRPC server reflection is on and needs no key, so grpcurl and similar tools can list and call
/// the services.</summary>
[Collection(SharedServerCollection.Name)]
public sealed class ReflectionTests(SharedServer server)
{
    [Fact]
    public async Task Reflection_lists_every_service_without_a_key()
    {
        using var channel = GrpcChannel.ForAddress(server.Server.BaseAddress, new GrpcChannelOptions { HttpHandler = server.Server.CreateHandler() });
        var client = new ServerReflection.ServerReflectionClient(channel);
        using var call = client.ServerReflectionInfo();
        await call.RequestStream.WriteAsync(new ServerReflectionRequest { ListServices = "" });
        await call.RequestStream.CompleteAsync();
        Assert.True(await call.ResponseStream.MoveNext(CancellationToken.None));
        var services = call.ResponseStream.Current.ListServicesResponse.Service.Select(s => s.Name).ToList();
        foreach (var name in new[] { "Mailboxes", "Aliases", "Mail", "Messages", "Queue", "Debug", "Operations" })
            Assert.Contains($"openmailserver.v1.{name}", services);
    }
}
