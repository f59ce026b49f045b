using OpenMailserver.Server.Messages;
using OpenMailserver.Server.Storage;

namespace OpenMailserver.Server.Operations;

/// <summary>The counts on the operator's overview; "today" is since midnight UTC.</summary>
public sealed class ServerStatistics(SqliteServerCounts counts, TimeProvider time)
{
    public Task<ServerCounts> GetAsync(CancellationToken cancellationToken)
    {
        var midnight = new DateTimeOffset(time.GetUtcNow().UtcDateTime.Date, TimeSpan.Zero).ToUnixTimeMilliseconds();
        return counts.CountAsync(midnight, SpecialFolders.SentSpecialUse, cancellationToken);
    }
}
