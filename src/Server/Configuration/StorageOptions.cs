namespace OpenMailserver.Server.Configuration;

/// <summary>Where the server keeps what it must not lose (<c>OpenMailserver:DataDirectory</c>, made absolute
/// at start): the database, message files, keys, certificates, logs and backups.</summary>
public sealed record StorageOptions(string DataDirectory);
