namespace OpenMailserver.Server.Accounts;

/// <summary>What a domain needs before its first mailbox can send (its DKIM signing key), provided by a
/// higher layer (Delivery), so Accounts does not depend on it.</summary>
public interface INewDomainSetup
{
    Task EnsureAsync(string domain);
}
