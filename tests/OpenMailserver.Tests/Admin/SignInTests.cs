using Bunit;
using Grpc.Core;
using Microsoft.Extensions.DependencyInjection;
using OpenMailserver.Admin.Components.Pages;
using OpenMailserver.Admin.Services;
using OpenMailserver.V1;

namespace OpenMailserver.Tests.Admin;

public sealed class SignInTests : DashboardTestContext
{
    [Fact]
    public async Task Sign_in_keeps_a_good_key_and_explains_a_wrong_or_a_mailbox_key()
    {
        var session = Services.GetRequiredService<AdminSession>();
        Api.Fails("ListMailboxes", StatusCode.Unauthenticated, "unknown key");
        var page = Render<SignIn>();
        page.Find("input").Input("oms_wrong");
        await page.Find("form").SubmitAsync();
        page.WaitForAssertion(() => Assert.Contains("This key is wrong or has been revoked.", page.Markup));
        Assert.Null(session.Client);
        Assert.Null(Keys.Key);

        Api.Fails("ListMailboxes", StatusCode.PermissionDenied, "needs admin");
        page.Find("input").Input("oms_mailbox");
        await page.Find("form").SubmitAsync();
        page.WaitForAssertion(() => Assert.Contains("not an operator key", page.Markup));

        page.Find("input").Input("   ");
        await page.Find("form").SubmitAsync();
        page.WaitForAssertion(() => Assert.Contains("Enter the admin API key.", page.Markup));

        Api.On<ListMailboxesRequest>("ListMailboxes", _ => new ListMailboxesResponse());
        page.Find("input").Input("oms_admin");
        await page.Find("form").SubmitAsync();
        page.WaitForAssertion(() => Assert.NotNull(session.Client));
        Assert.Equal("oms_admin", Keys.Key);

        await session.SignOutAsync();
        Assert.Null(session.Client);
        Assert.Null(Keys.Key);
    }
}
