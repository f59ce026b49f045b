using OpenMailserver.Sdk;

namespace OpenMailserver.Admin.Services;

/// <summary>Makes the SDK client the dashboard acts through, for one key: the dashboard can do only what
/// the API lets that key do.</summary>
public interface IAdminClientFactory
{
    OpenMailserverClient Create(string apiKey);
}
