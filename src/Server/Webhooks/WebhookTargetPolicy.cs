using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Options;
using OpenMailserver.Server.Accounts;
using OpenMailserver.Server.Configuration;
using OpenMailserver.Server.Kernel;
using OpenMailserver.Server.Net;

namespace OpenMailserver.Server.Webhooks;

/// <summary>Where webhooks may point: http(s) URLs whose host resolves only to public addresses, unless the
/// operator allows internal ones (<c>Webhooks:AllowPrivateTargets</c>). Checked when a webhook is created and
/// again for the address each delivery actually connects to, so DNS that changes later cannot turn a webhook
/// into a probe of the server's own network.</summary>
public sealed class WebhookTargetPolicy(IOptions<WebhookOptions> options)
{
    public async Task<Uri> ValidateAsync(string? url, CancellationToken cancellationToken)
    {
        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https") || string.IsNullOrEmpty(uri.Host) || url!.Length > 2000)
            throw new MailServerException(ErrorKind.InvalidArgument, $"url: '{EmailAddress.Shorten(url)}' is not an absolute http:// or https:// URL.");
        if (!string.IsNullOrEmpty(uri.UserInfo))
            throw new MailServerException(ErrorKind.InvalidArgument, "url must not carry a user name or password; authenticate the request by its signature.");
        IPAddress[] addresses;
        try
        {
            addresses = IPAddress.TryParse(uri.Host.Trim('[', ']'), out var literal) ? [literal] : await System.Net.Dns.GetHostAddressesAsync(uri.DnsSafeHost, cancellationToken);
        }
        catch (SocketException e)
        {
            throw new MailServerException(ErrorKind.InvalidArgument, $"url: the host {uri.Host} does not resolve ({e.SocketErrorCode}).");
        }
        foreach (var address in addresses) EnsureAllowed(address, uri.Host);
        return uri;
    }

    /// <summary>Throws for an address a webhook may not reach.</summary>
    public void EnsureAllowed(IPAddress address, string host)
    {
        if (options.Value.AllowPrivateTargets || !PrivateAddresses.IsPrivate(address)) return;
        throw new MailServerException(ErrorKind.InvalidArgument,
            $"url: {host} is {address}, an internal address; webhooks reach only public addresses unless Webhooks:AllowPrivateTargets is set.");
    }
}
