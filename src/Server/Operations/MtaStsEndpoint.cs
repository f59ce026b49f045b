using Microsoft.Extensions.Options;
using OpenMailserver.Server.Configuration;
using OpenMailserver.Server.Net;

namespace OpenMailserver.Server.Operations;

/// <summary>The MTA-STS policy (RFC 8461) at <c>/.well-known/mta-sts.txt</c>, served for
/// <c>mta-sts.&lt;domain&gt;</c>: senders must reach the MX over TLS with a valid certificate. With the
/// generated self-signed certificate the mode is <c>testing</c> (report, do not refuse), since senders
/// would rightly refuse it; with a configured certificate it is <c>enforce</c>.</summary>
public static class MtaStsEndpoint
{
    /// <summary>A week, as RFC 8461 §3.2 suggests for a stable policy.</summary>
    private const int MaxAgeSeconds = 604800;

    public static IResult Handle(TlsCertificateProvider certificates, IOptions<ServerOptions> server) =>
        Results.Text(
            $"version: STSv1\r\nmode: {(certificates.IsConfigured ? "enforce" : "testing")}\r\nmx: {server.Value.Hostname}\r\nmax_age: {MaxAgeSeconds}\r\n",
            "text/plain", System.Text.Encoding.UTF8);
}
