using System.Net;
using Grpc.Core;
using OpenMailserver.Server.Accounts;
using OpenMailserver.Server.Kernel;
using OpenMailserver.Server.Operations;
using OpenMailserver.V1;

namespace OpenMailserver.Server.Api;

public sealed class DnsPlanApi(DnsPlanner planner) : V1.DnsPlan.DnsPlanBase
{
    [RequiresScope(Scopes.DebugRead)]
    public override async Task<DnsPlanResponse> GetDnsPlan(GetDnsPlanRequest request, ServerCallContext context)
    {
        IPAddress? ip = null;
        if (!string.IsNullOrEmpty(request.PublicIp) && !IPAddress.TryParse(request.PublicIp, out ip))
            throw new MailServerException(ErrorKind.InvalidArgument, $"public_ip '{EmailAddress.Shorten(request.PublicIp)}' is not an IPv4 or IPv6 address.");
        var records = await planner.PlanAsync(ip);
        return new DnsPlanResponse
        {
            Records =
            {
                records.Select(r => new DnsRecord { Domain = r.Domain, Name = r.Name, Type = r.Type, Value = r.Value, Purpose = r.Purpose, Required = r.Required }),
            },
            Zone = DnsPlanner.Zone(records),
        };
    }
}
