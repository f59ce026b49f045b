using Grpc.Net.Client;
using OpenMailserver.Sdk;

namespace OpenMailserver.Admin.Services;

/// <summary>Clients over one gRPC channel to the server's own gRPC endpoint.</summary>
public sealed class GrpcAdminClientFactory(string grpcAddress) : IAdminClientFactory, IDisposable
{
    private readonly GrpcChannel _channel = GrpcChannel.ForAddress(grpcAddress);

    public OpenMailserverClient Create(string apiKey) => new(_channel, apiKey);

    public void Dispose() => _channel.Dispose();
}
