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
    public static async Task<IResult> HandleAsync(HttpContext http, IMailboxRepository mailboxes, IOptions<ServerOptions> server,
        IOptions<ImapOptions> imap, IOptions<SmtpOptions> smtp)
    {
        var domain = await DomainAsync(http, mailboxes, server.Value.Domain);
        if (domain is null) return Results.NotFound();

        static XElement Server(string kind, string type, string host, int port, string socket) => new(kind,
            new XAttribute("type", type),
            new XElement("hostname", host), new XElement("port", port), new XElement("socketType", socket),
            new XElement("authentication", "password-cleartext"), new XElement("username", "%EMAILADDRESS%"));

        var host = server.Value.Hostname;
        var (i, s) = (imap.Value, smtp.Value);
        var provider = new XElement("emailProvider", new XAttribute("id", domain),
            new XElement("domain", domain), new XElement("displayName", $"{domain} mail"), new XElement("displayShortName", domain));
        // Implicit TLS first: clients take the first server they can use.
        if (i.TlsPort > 0) provider.Add(Server("incomingServer", "imap", host, i.TlsPort, "SSL"));
        if (i.Port > 0) provider.Add(Server("incomingServer", "imap", host, i.Port, "STARTTLS"));
        if (s.SubmissionTlsPort > 0) provider.Add(Server("outgoingServer", "smtp", host, s.SubmissionTlsPort, "SSL"));
        if (s.SubmissionPort > 0) provider.Add(Server("outgoingServer", "smtp", host, s.SubmissionPort, "STARTTLS"));
        var document = new XDocument(new XDeclaration("1.0", "UTF-8", null), new XElement("clientConfig", new XAttribute("version", "1.1"), provider));
        return Results.Text(document.Declaration + "\n" + document, "application/xml", System.Text.Encoding.UTF8);
    }

    /// <summary>The domain of <c>?emailaddress=</c>, else of the host asked for (<c>autoconfig.example.com</c>),
    /// else the primary domain; only a hosted one.</summary>
    private static async Task<string?> DomainAsync(HttpContext http, IMailboxRepository mailboxes, string primaryDomain)
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
        return primaryDomain;
    }
}
