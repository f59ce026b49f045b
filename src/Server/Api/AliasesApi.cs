using Grpc.Core;
using OpenMailserver.Server.Accounts;
using OpenMailserver.V1;

namespace OpenMailserver.Server.Api;

public sealed class AliasesApi(AliasService aliases) : V1.Aliases.AliasesBase
{
    [RequiresScope(Scopes.Admin)]
    public override async Task<Alias> CreateAlias(CreateAliasRequest request, ServerCallContext context) =>
        (await aliases.CreateAsync(request.Source, request.Destination)).ToProto();

    [RequiresScope(Scopes.Admin)]
    public override async Task<ListAliasesResponse> ListAliases(ListAliasesRequest request, ServerCallContext context) =>
        new() { Aliases = { (await aliases.ListAsync()).Select(a => a.ToProto()) } };

    [RequiresScope(Scopes.Admin)]
    public override async Task<Alias> DeleteAlias(DeleteAliasRequest request, ServerCallContext context) =>
        (await aliases.DeleteAsync(request.Id)).ToProto();
}
