using SmtpServer;
using SmtpServer.Protocol;

namespace OpenMailserver.Server.Smtp;

/// <summary>The library's commands with our own EHLO greeting line.</summary>
public sealed class OpenMailserverCommandFactory : SmtpCommandFactory
{
    public override SmtpCommand CreateEhlo(string domainOrAddress) => new Ehlo(domainOrAddress);

    private sealed class Ehlo(string domainOrAddress) : EhloCommand(domainOrAddress)
    {
        protected override string GetGreeting(ISessionContext context) => $"{context.ServerOptions.ServerName} Hello {DomainOrAddress}";
    }
}
