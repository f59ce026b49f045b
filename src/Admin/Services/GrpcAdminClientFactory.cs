using Grpc.Net.Client;
using OpenMailserver.Sdk;

namespace OpenMailserver.Admin.Services;

/// <summary>Clients over one gRPC channel to the server's own gRPC endpoint.</summary>
public sealed class GrpcAdminClientFactory(string grpcAddress) : IAdminClientFactory, IDisposable
{
    private readonly GrpcChannel _channel = OpenMailserverClient.CreateChannel(grpcAddress);

    public OpenMailserverClient Create(string apiKey) => new(_channel, apiKey);

    public void Dispose() => _channel.Dispose();
}
