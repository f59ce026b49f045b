namespace OpenMailserver.Server.Operations;

/// <summary>One DNS record the server needs published; see <see cref="DnsPlanner"/>.</summary>
public sealed record PlannedRecord(string Domain, string Name, string Type, string Value, string Purpose, bool Required);
