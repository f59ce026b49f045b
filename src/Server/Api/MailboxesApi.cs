using Grpc.Core;
using OpenMailserver.Server.Accounts;
using OpenMailserver.V1;

namespace OpenMailserver.Server.Api;

public sealed class MailboxesApi(MailboxService mailboxes, ApiKeyService keys, MailboxAccess access) : V1.Mailboxes.MailboxesBase
{
    [RequiresScope(Scopes.Admin)]
    public override async Task<CreateMailboxResponse> CreateMailbox(CreateMailboxRequest request, ServerCallContext context)
    {
        var created = await mailboxes.CreateAsync(request.LocalPart, request.Domain,
            request.HasPassword ? request.Password : null, request.HasQuota ? request.Quota : null, request.HasStorageQuota ? request.StorageQuota : null);
        return new CreateMailboxResponse { Mailbox = created.Mailbox.ToProto(), Password = created.Password, ApiKey = created.ApiKey.ToProto() };
    }

    [RequiresScope(Scopes.Admin)]
    public override async Task<ListMailboxesResponse> ListMailboxes(ListMailboxesRequest request, ServerCallContext context) =>
        new() { Mailboxes = { (await mailboxes.ListAsync(request.Domain)).Select(m => m.ToProto()) } };

    [RequiresScope(Scopes.MailRead)]
    public override async Task<Mailbox> GetMailbox(MailboxRef request, ServerCallContext context) =>
        (await access.RequireAsync(context.Caller(), request.Address)).ToProto();

    [RequiresScope(Scopes.Admin)]
    public override async Task<Mailbox> DisableMailbox(MailboxRef request, ServerCallContext context) =>
        (await mailboxes.SetActiveAsync(request.Address, active: false)).ToProto();

    [RequiresScope(Scopes.Admin)]
    public override async Task<Mailbox> SetQuota(SetQuotaRequest request, ServerCallContext context) =>
        (await mailboxes.SetQuotaAsync(request.Address, request.HasQuota ? request.Quota : null, request.HasStorageQuota ? request.StorageQuota : null)).ToProto();

    [RequiresScope(Scopes.Admin)]
    public override async Task<Mailbox> EnableMailbox(MailboxRef request, ServerCallContext context) =>
        (await mailboxes.SetActiveAsync(request.Address, active: true)).ToProto();

    [RequiresScope(Scopes.Admin)]
    public override async Task<ResetPasswordResponse> ResetPassword(ResetPasswordRequest request, ServerCallContext context) =>
        new() { Password = await mailboxes.ResetPasswordAsync(request.Address, request.HasPassword ? request.Password : null) };

    [RequiresScope(Scopes.Admin)]
    public override async Task<IssuedApiKey> IssueApiKey(IssueApiKeyRequest request, ServerCallContext context) =>
        (await mailboxes.IssueKeyAsync(request.Address, request.Name)).ToProto();

    [RequiresScope(Scopes.Admin)]
    public override async Task<ListApiKeysResponse> ListApiKeys(MailboxRef request, ServerCallContext context)
    {
        var mailbox = await mailboxes.GetAsync(request.Address);
        return new ListApiKeysResponse { Keys = { (await keys.ListForMailboxAsync(mailbox.Id)).Select(k => k.ToProto()) } };
    }

    [RequiresScope(Scopes.Admin)]
    public override async Task<ApiKeyInfo> RevokeApiKey(RevokeApiKeyRequest request, ServerCallContext context) =>
        (await keys.RevokeAsync(request.Id)).ToProto();
}
