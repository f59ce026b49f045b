using Bunit;
using Grpc.Core;
using AliasesPage = OpenMailserver.Admin.Components.Pages.Aliases;
using OpenMailserver.V1;

namespace OpenMailserver.Tests.Admin;

public sealed class AliasesPageTests : DashboardTestContext
{
    private readonly List<Alias> _aliases = [];

    public AliasesPageTests()
    {
        Api.On<ListAliasesRequest>("ListAliases", _ => new ListAliasesResponse { Aliases = { _aliases } })
            .On<CreateAliasRequest>("CreateAlias", r =>
            {
                var alias = new Alias { Id = _aliases.Count + 1, Source = r.Source, Destination = r.Destination };
                _aliases.Add(alias);
                return alias;
            })
            .On<DeleteAliasRequest>("DeleteAlias", r =>
            {
                var alias = _aliases.Single(a => a.Id == r.Id);
                _aliases.Remove(alias);
                return alias;
            });
    }

    [Fact]
    public async Task Lists_creates_after_validation_and_deletes_after_confirmation()
    {
        await SignInAsync();
        var page = RenderWithProviders<AliasesPage>();
        page.WaitForAssertion(() => Assert.Contains("No aliases yet.", page.Markup));

        await Button(page, "Create").ClickAsync(new());
        page.WaitForAssertion(() => Assert.Contains("Give the address mail is sent to.", page.Markup));
        page.FindAll("input")[0].Input("team at example");
        page.WaitForAssertion(() => Assert.Contains("One address, like team@example.com.", page.Markup));
        Assert.Equal(0, CallsTo("CreateAlias"));

        page.FindAll("input")[0].Input("team@example.test");
        page.FindAll("input")[1].Input("zoe@example.test, adam@example.test");
        await Button(page, "Create").ClickAsync(new());
        page.WaitForAssertion(() => Assert.Equal("team@example.test", page.Find("td[data-label=Alias]").TextContent));
        Assert.Equal("zoe@example.test, adam@example.test", page.Find("td[data-label='Delivers to']").TextContent);

        ClickAndAnswer(page, "Delete", "Cancel");
        page.WaitForAssertion(() => Assert.Empty(page.FindAll(".mud-dialog")));
        Assert.Equal(0, CallsTo("DeleteAlias"));
        ClickAndAnswer(page, "Delete", "Delete");
        page.WaitForAssertion(() => Assert.Contains("No aliases yet.", page.Markup));
    }

    [Fact]
    public async Task A_refused_alias_shows_the_servers_message()
    {
        await SignInAsync();
        Api.Fails("CreateAlias", StatusCode.InvalidArgument, "destination: nobody@example.test is not a hosted mailbox.");
        var page = RenderWithProviders<AliasesPage>();
        page.FindAll("input")[0].Input("team@example.test");
        page.FindAll("input")[1].Input("nobody@example.test");
        await Button(page, "Create").ClickAsync(new());
        AssertSnackbar(page, "is not a hosted mailbox");
    }
}
