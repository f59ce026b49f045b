using System.Xml.Linq;
using Microsoft.Extensions.Options;
using OpenMailserver.Server.Accounts;
using OpenMailserver.Server.Configuration;
using OpenMailserver.Server.Kernel;
using OpenMailserver.Server.Storage;

namespace OpenMailserver.Server.Operations;

/// <summary>Thunderbird's autoconfiguration file (<c>/mail/config-v1.1.xml</c> on <c>autoconfig.&lt;domain&gt;</c>,
/// and <c>/.well-known/autoconfig/mail/config-v1.1.xml</c>): the IMAP and submission servers for a hosted
/// domain, so a user types only an address and a password.</summary>
public static class AutoconfigEndpoint
{
    public static async Task<IResult> HandleAsync(HttpContext http, IMailboxRepository mailboxes, IOptions<OpenMailserverOptions> options)
    {
        var o = options.Value;
        var domain = await DomainAsync(http, mailboxes, o);
        if (domain is null) return Results.NotFound();

        static XElement Server(string kind, string type, string host, int port, string socket) => new(kind,
            new XAttribute("type", type),
            new XElement("hostname", host), new XElement("port", port), new XElement("socketType", socket),
            new XElement("authentication", "password-cleartext"), new XElement("username", "%EMAILADDRESS%"));

        var host = o.Hostname!;
        var provider = new XElement("emailProvider", new XAttribute("id", domain),
            new XElement("domain", domain), new XElement("displayName", $"{domain} mail"), new XElement("displayShortName", domain));
        // Implicit TLS first: clients take the first server they can use.
        if (o.Imap.TlsPort > 0) provider.Add(Server("incomingServer", "imap", host, o.Imap.TlsPort, "SSL"));
        if (o.Imap.Port > 0) provider.Add(Server("incomingServer", "imap", host, o.Imap.Port, "STARTTLS"));
        if (o.Smtp.SubmissionTlsPort > 0) provider.Add(Server("outgoingServer", "smtp", host, o.Smtp.SubmissionTlsPort, "SSL"));
        if (o.Smtp.SubmissionPort > 0) provider.Add(Server("outgoingServer", "smtp", host, o.Smtp.SubmissionPort, "STARTTLS"));
        var document = new XDocument(new XDeclaration("1.0", "UTF-8", null), new XElement("clientConfig", new XAttribute("version", "1.1"), provider));
        return Results.Text(document.Declaration + "\n" + document, "application/xml", System.Text.Encoding.UTF8);
    }

    /// <summary>The domain of <c>?emailaddress=</c>, else of the host asked for (<c>autoconfig.example.com</c>),
    /// else the primary domain; only a hosted one.</summary>
    private static async Task<string?> DomainAsync(HttpContext http, IMailboxRepository mailboxes, OpenMailserverOptions o)
    {
        var address = http.Request.Query["emailaddress"].ToString();
        if (address.Length > 0)
        {
            var at = address.LastIndexOf('@');
            var domain = at < 0 ? "" : address[(at + 1)..].Trim().ToLowerInvariant();
            return DomainName.IsValid(domain) && await mailboxes.DomainExistsAsync(domain) ? domain : null;
        }
        var requested = http.Request.Host.Host.ToLowerInvariant();
        if (requested.StartsWith("autoconfig.", StringComparison.Ordinal)) requested = requested["autoconfig.".Length..];
        if (DomainName.IsValid(requested) && await mailboxes.DomainExistsAsync(requested)) return requested;
        return o.Domain;
    }
}
