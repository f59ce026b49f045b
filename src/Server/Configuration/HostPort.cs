namespace OpenMailserver.Server.Configuration;

/// <summary>A <c>host:port</c> pair as written in configuration.</summary>
public readonly record struct HostPort(string Host, int Port)
{
    public static bool TryParse(string? text, out HostPort value)
    {
        value = default;
        if (string.IsNullOrWhiteSpace(text)) return false;
        var colon = text.LastIndexOf(':');
        if (colon <= 0 || !int.TryParse(text.AsSpan(colon + 1), out var port) || port is < 1 or > 65535) return false;
        value = new HostPort(text[..colon].Trim('[', ']'), port);
        return true;
    }

    public override string ToString() => $"{Host}:{Port}";
}
