namespace OpenMailserver.Server.Configuration;

public sealed class DebugOptions
{
    /// <summary>When false the debug endpoints answer 404.</summary>
    public bool Enabled { get; set; } = true;
}
