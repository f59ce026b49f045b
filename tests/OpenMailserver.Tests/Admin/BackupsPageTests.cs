using Bunit;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using OpenMailserver.Admin.Components.Pages;
using OpenMailserver.V1;

namespace OpenMailserver.Tests.Admin;

public sealed class BackupsPageTests : DashboardTestContext
{
    private readonly List<BackupArchive> _archives = [];

    public BackupsPageTests()
    {
        Api.On<ListBackupsRequest>("ListBackups", _ => new ListBackupsResponse { Backups = { _archives } })
            .On<CreateBackupRequest>("CreateBackup", _ =>
            {
                _archives.Insert(0, new BackupArchive { Name = "openmailserver-backup-20261126010000.omsbak", Size = 3 << 20, CreatedAt = Now() });
                return new BackupResult { Path = "/var/lib/oms/backups/openmailserver-backup-20261126010000.omsbak", Encrypted = true, KeyLocation = "/var/lib/oms/backup.key" };
            });
    }

    [Fact]
    public async Task Creates_lists_and_validates()
    {
        await SignInAsync();
        Api.On<ValidateRestoreRequest>("ValidateRestore", r => new Report
        {
            Status = "ok",
            Details = new Struct
            {
                Fields = { ["entries"] = Value.ForStruct(new Struct { Fields = { ["mailboxes"] = Value.ForNumber(2), ["aliases"] = Value.ForNumber(1), ["messages"] = Value.ForNumber(40), ["files"] = Value.ForNumber(45), ["hostname"] = Value.ForString("mail.example.test") } }) },
            },
        });
        var page = RenderWithProviders<Backups>();
        page.WaitForAssertion(() => Assert.Contains("No backups yet.", page.Markup));

        await Button(page, "Create backup").ClickAsync(new());
        page.WaitForAssertion(() => Assert.Contains("sealed with the key in", page.Markup));
        Assert.Contains("/var/lib/oms/backup.key", page.Markup);
        Assert.Equal("3 MB", page.Find("td[data-label=Size]").TextContent);

        await Button(page, "Validate").ClickAsync(new());
        page.WaitForAssertion(() => Assert.Equal(
            "openmailserver-backup-20261126010000.omsbak is whole and opens with the key: 2 mailboxes, 1 aliases, 40 messages, 45 files.", page.Find("#validation").TextContent));
        Assert.Equal("openmailserver-backup-20261126010000.omsbak", LastRequest<ValidateRestoreRequest>("ValidateRestore").Path);
    }

    [Fact]
    public async Task A_damaged_archive_and_a_failed_backup_are_reported()
    {
        await SignInAsync();
        _archives.Add(new BackupArchive { Name = "openmailserver-backup-20261125000000.omsbak", Size = 100, CreatedAt = Now() });
        Api.On<ValidateRestoreRequest>("ValidateRestore", _ => new Report
        {
            Status = "invalid", Details = new Struct { Fields = { ["reason"] = Value.ForString("The archive was changed after it was written (authentication failed).") } },
        }).Fails("CreateBackup", StatusCode.Internal, "No space left on device.");
        var page = RenderWithProviders<Backups>();
        page.WaitForAssertion(() => Assert.Single(page.FindAll("td[data-label=Archive]")));

        await Button(page, "Validate").ClickAsync(new());
        page.WaitForAssertion(() => Assert.Contains("cannot be restored: The archive was changed", page.Find("#validation").TextContent));

        await Button(page, "Create backup").ClickAsync(new());
        AssertSnackbar(page, "No space left on device.");
        Assert.Single(page.FindAll("td[data-label=Archive]"));
    }
}
