using System.CommandLine;
using System.Text.Json;

namespace OpenMailserver.Server.Cli;

/// <summary>The operator command line on the server executable: <c>mailbox</c>, <c>alias</c>, <c>key</c>,
/// <c>dns-plan</c>, <c>doctor</c>, <c>queue</c>, <c>backup</c>, <c>import</c> talk to the running server's REST API with the
/// admin key from the data directory; <c>restore</c> works offline on an empty data directory.</summary>
public static class CommandLine
{
    public static readonly IReadOnlySet<string> Commands = new HashSet<string> { "mailbox", "alias", "key", "dns-plan", "doctor", "queue", "backup", "restore", "import" };

    private static readonly JsonSerializerOptions Pretty = new() { WriteIndented = true };

    public static async Task<int> RunAsync(string[] args, TextWriter output, TextWriter error)
    {
        var server = new Option<string>("--server") { Description = "The server's REST address.", DefaultValueFactory = _ => "http://127.0.0.1:8787", Recursive = true };
        var dataDirectory = new Option<string>("--data-directory") { Description = "The data directory, for the admin key file.", DefaultValueFactory = _ => "./data", Recursive = true };
        var key = new Option<string?>("--key") { Description = "The admin API key (default: <data-directory>/admin-api-key).", Recursive = true };
        var root = new RootCommand("Open Mailserver: run without a command to start the server; with one to operate it.") { server, dataDirectory, key };

        ApiClient Client(ParseResult p)
        {
            var given = p.GetValue(key);
            var keyFile = Path.Combine(p.GetValue(dataDirectory)!, "admin-api-key");
            if (given is null && !File.Exists(keyFile)) throw new CliException($"No admin key: pass --key, or --data-directory where {Path.GetFileName(keyFile)} is.");
            return new ApiClient(p.GetValue(server)!, given ?? File.ReadAllText(keyFile).Trim());
        }

        Command Leaf(string name, string description, Func<ParseResult, ApiClient, Task<int>> run, params Symbol[] symbols)
        {
            var command = new Command(name, description);
            foreach (var symbol in symbols)
            {
                if (symbol is Argument argument) command.Arguments.Add(argument);
                else command.Options.Add((Option)symbol);
            }
            command.SetAction(async p =>
            {
                try
                {
                    using var client = Client(p);
                    return await run(p, client);
                }
                catch (CliException e)
                {
                    await error.WriteLineAsync(e.Message);
                    return 1;
                }
            });
            return command;
        }

        async Task<int> Print(JsonElement json)
        {
            await output.WriteLineAsync(JsonSerializer.Serialize(json, Pretty));
            return 0;
        }

        var address = new Argument<string>("address") { Description = "The mailbox address." };
        var password = new Option<string?>("--password") { Description = "The password (default: generated and shown once)." };
        var quota = new Option<long?>("--quota") { Description = "The quota in messages." };
        var domain = new Option<string?>("--domain") { Description = "Only this domain." };
        var mailbox = new Command("mailbox", "Create, list, disable mailboxes; reset passwords.")
        {
            Leaf("create", "Create a mailbox; prints its password and API key once.", async (p, c) =>
            {
                var parts = p.GetValue(address)!.Split('@', 2);
                if (parts.Length != 2) throw new CliException("The address must be local@domain.");
                return await Print(await c.PostAsync("/v1/mailboxes", new { local_part = parts[0], domain = parts[1], password = p.GetValue(password), quota = p.GetValue(quota) }));
            }, address, password, quota),
            Leaf("list", "List mailboxes.", async (p, c) =>
                await Print(await c.GetAsync("/v1/mailboxes" + (p.GetValue(domain) is { } d ? $"?domain={Uri.EscapeDataString(d)}" : ""))), domain),
            Leaf("disable", "Disable a mailbox: its keys and new mail are refused; its mail is kept.", async (p, c) =>
                await Print(await c.PostAsync($"/v1/mailboxes/{Uri.EscapeDataString(p.GetValue(address)!)}/disable")), address),
            Leaf("reset-password", "Set a new password (generated unless --password); shown once.", async (p, c) =>
                await Print(await c.PostAsync($"/v1/mailboxes/{Uri.EscapeDataString(p.GetValue(address)!)}/password", new { password = p.GetValue(password) })), address, password),
        };

        var source = new Argument<string>("source") { Description = "The alias address." };
        var destination = new Argument<string>("destination") { Description = "Hosted addresses it delivers to, comma-separated." };
        var alias = new Command("alias", "Create and list aliases.")
        {
            Leaf("create", "Create an alias.", async (p, c) => await Print(await c.PostAsync("/v1/aliases", new { source = p.GetValue(source), destination = p.GetValue(destination) })), source, destination),
            Leaf("list", "List aliases.", async (_, c) => await Print(await c.GetAsync("/v1/aliases"))),
        };

        var keyName = new Option<string?>("--name") { Description = "A name to recognise the key by." };
        var keyId = new Argument<long>("id") { Description = "The key's id (from the mailbox's key list)." };
        var keyCommand = new Command("key", "Issue and revoke mailbox API keys.")
        {
            Leaf("issue", "Issue another API key for a mailbox; shown once.", async (p, c) =>
                await Print(await c.PostAsync($"/v1/mailboxes/{Uri.EscapeDataString(p.GetValue(address)!)}/keys", new { name = p.GetValue(keyName) })), address, keyName),
            Leaf("revoke", "Revoke a key.", async (p, c) => await Print(await c.DeleteAsync($"/v1/keys/{p.GetValue(keyId)}")), keyId),
        };

        var publicIp = new Option<string?>("--public-ip") { Description = "The server's public address, for the A/AAAA and PTR records." };
        var dnsPlan = Leaf("dns-plan", "Print the DNS records to publish, as a zone-file snippet.", async (p, c) =>
        {
            var plan = await c.GetAsync("/v1/dns/plan" + (p.GetValue(publicIp) is { } ip ? $"?public_ip={Uri.EscapeDataString(ip)}" : ""));
            await output.WriteAsync(plan.GetProperty("zone").GetString());
            return 0;
        }, publicIp);

        var doctor = Leaf("doctor", "Check health and deliverability; exits 1 when a check fails.", async (_, c) =>
        {
            var failed = false;
            foreach (var (title, path) in new[] { ("Health", "/v1/debug/health"), ("Deliverability", "/v1/debug/deliverability/report") })
            {
                var report = await c.GetAsync(path);
                await output.WriteLineAsync($"{title}: {report.GetProperty("status").GetString()}");
                foreach (var check in report.GetProperty("details").GetProperty("checks").EnumerateArray())
                {
                    var status = check.GetProperty("status").GetString();
                    failed |= status == "fail";
                    await output.WriteLineAsync($"  {status,-4}  {check.GetProperty("name").GetString()}: {check.GetProperty("details").GetString()}");
                }
            }
            return failed ? 1 : 0;
        });

        var state = new Option<string?>("--state") { Description = "queued, sending, deferred, sent, failed or all (default: pending)." };
        var outboundId = new Argument<long>("id") { Description = "The outbound message's id." };
        var queue = new Command("queue", "List the outbound queue; retry a message now.")
        {
            Leaf("list", "List queue entries.", async (p, c) => await Print(await c.GetAsync("/v1/queue" + (p.GetValue(state) is { } s ? $"?state={Uri.EscapeDataString(s)}" : ""))), state),
            Leaf("retry", "Attempt a message's waiting recipients now.", async (p, c) => await Print(await c.PostAsync($"/v1/queue/{p.GetValue(outboundId)}/retry")), outboundId),
        };

        var archive = new Argument<string>("archive") { Description = "The archive: a name in <data-directory>/backups or Backup:ImportDirectory, or its full path." };
        var backup = new Command("backup", "Create and verify encrypted backups.")
        {
            Leaf("create", "Back up the running server.", async (_, c) =>
            {
                await output.WriteLineAsync("Backing up (database snapshot, message files, keys)...");
                return await Print(await c.PostAsync("/v1/backup"));
            }),
            Leaf("verify", "Decrypt an archive and check every file; exits 1 when it is not sound.", async (p, c) =>
            {
                var name = p.GetValue(archive)!;
                var report = await c.PostAsync("/v1/restore/validate", new { path = File.Exists(name) ? Path.GetFullPath(name) : name });
                await Print(report);
                return report.GetProperty("status").GetString() == "ok" ? 0 : 1;
            }, archive),
        };

        var restore = new Command("restore", "Restore an archive into an empty data directory (offline).");
        var restoreArchive = new Argument<string>("archive") { Description = "The archive file." };
        var keyFile = new Option<string?>("--key-file") { Description = "The backup.key file of the old data directory." };
        var backupKey = new Option<string?>("--backup-key") { Description = "The backup key itself (Backup:EncryptionKey), 32 bytes in base64." };
        restore.Arguments.Add(restoreArchive);
        restore.Options.Add(keyFile);
        restore.Options.Add(backupKey);
        restore.SetAction(async p =>
        {
            var keyText = p.GetValue(backupKey) ?? Environment.GetEnvironmentVariable("OpenMailserver__Backup__EncryptionKey");
            return await RestoreCommand.RunAsync(p.GetValue(restoreArchive)!, p.GetValue(dataDirectory)!, p.GetValue(keyFile), keyText, output, error);
        });

        var mboxFile = new Argument<string>("file") { Description = "The mbox file." };
        var importMailbox = new Option<string>("--mailbox") { Description = "The mailbox that receives the messages.", Required = true };
        var importFolder = new Option<string>("--folder") { Description = "The folder they go to (it must exist).", DefaultValueFactory = _ => "INBOX" };
        var maxMessage = new Option<int>("--max-message-bytes") { Description = "The largest message to accept from the file.", DefaultValueFactory = _ => 25 * 1024 * 1024 };
        var import = new Command("import", "Import existing mail into a mailbox; safe to run again after an interruption.")
        {
            Leaf("mbox", "Import the messages of an mbox file, with their flags (Status, X-Status) and dates.", async (p, c) =>
                await ImportCommand.RunAsync(c, p.GetValue(mboxFile)!, p.GetValue(importMailbox)!, p.GetValue(importFolder)!, p.GetValue(maxMessage), output, error),
                mboxFile, importMailbox, importFolder, maxMessage),
        };

        foreach (var command in new[] { mailbox, alias, keyCommand, dnsPlan, doctor, queue, backup, restore, import }) root.Subcommands.Add(command);
        var parsed = root.Parse(args);
        return await parsed.InvokeAsync(new InvocationConfiguration { Output = output, Error = error });
    }
}
