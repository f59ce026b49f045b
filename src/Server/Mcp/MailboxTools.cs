using System.ComponentModel;
using System.Threading.Channels;
using ModelContextProtocol.Server;
using ModelContextProtocol;
using OpenMailserver.Server.Accounts;
using OpenMailserver.Server.Delivery;
using OpenMailserver.Server.Events;
using OpenMailserver.Server.Kernel;
using OpenMailserver.Server.Messages;
using OpenMailserver.Server.Storage;
using OpenMailserver.Server.Submission;
using OpenMailserver.Server.Views;

namespace OpenMailserver.Server.Mcp;

/// <summary>The mailbox as tools for an agent (MCP). Every tool acts on the mailbox of the API key that
/// called it; results are JSON objects with snake_case names, like the REST API's.</summary>
[McpServerToolType]
public sealed class MailboxTools(
    IHttpContextAccessor http, MailboxService mailboxes, MailboxReader reader, MessageComposer composer, SubmissionPipeline pipeline,
    IdempotentSends idempotent, ReplyComposer replies, MailboxOrganizer organizer, IMailboxEventRepository events, MailboxChanges changes,
    CredentialRevocations revocations)
{
    private const int MaxWaitSeconds = 300;

    [McpServerTool(Name = "list_messages", ReadOnly = true)]
    [Description("List the newest messages in a folder of your mailbox (INBOX unless you say otherwise). Returns id, subject, from, to, date, flags, folder and thread_id for each; use read_message with an id to get the text.")]
    public async Task<object> ListMessagesAsync(
        [Description("Folder: INBOX, Sent, Drafts, Trash, Junk or one you created; \"*\" for all folders.")] string? folder = null,
        [Description("Only messages not yet marked read.")] bool unread_only = false,
        [Description("At most this many (default 20, at most 100).")] int limit = 20)
    {
        var mailbox = await MailboxAsync();
        var (page, _) = await reader.ListAsync(mailbox, folder, Math.Clamp(limit, 1, 100), new MessageQuery(mailbox.Id, 0) { Unread = unread_only ? true : null });
        return await SummariesAsync(mailbox, page);
    }

    [McpServerTool(Name = "search_messages", ReadOnly = true)]
    [Description("Search all folders of your mailbox. 'query' is full-text over subject, body and addresses (words, \"exact phrases\", prefix*, OR, NOT); the other filters narrow it. Newest first.")]
    public async Task<object> SearchMessagesAsync(
        [Description("Words to find in subject, body or addresses.")] string? query = null,
        [Description("Part of the sender's address or name.")] string? from = null,
        [Description("Part of the subject.")] string? subject = null,
        [Description("Only unread messages.")] bool unread_only = false,
        [Description("Only messages received at or after this RFC 3339 time, e.g. 2026-11-25T09:00:00Z.")] string? since = null,
        [Description("At most this many (default 20, at most 100).")] int limit = 20)
    {
        var mailbox = await MailboxAsync();
        var fts = string.IsNullOrWhiteSpace(query) ? null : SearchQuery.ToFts5(query)
                  ?? throw new McpException($"query '{query}' has no words to search for.");
        var (page, _) = await reader.ListAsync(mailbox, MailboxReader.AllFolders, Math.Clamp(limit, 1, 100), new MessageQuery(mailbox.Id, 0)
        {
            Text = fts, From = from, Subject = subject, Unread = unread_only ? true : null, Since = Time(since, "since"),
        });
        return await SummariesAsync(mailbox, page);
    }

    [McpServerTool(Name = "read_message", ReadOnly = true)]
    [Description("Read one message of your mailbox by id: headers, the text, extracted_text (only what the sender newly wrote, without quoted history or signature — usually what you want from a reply), the HTML, attachments (filename is safe to save under, original_filename is as the sender gave it) and thread_id; truncated is true when the message has more MIME parts than the server shows.")]
    public async Task<object> ReadMessageAsync([Description("The message id from list_messages, search_messages or wait_for_message.")] string message_id)
    {
        var mailbox = await MailboxAsync();
        var (record, mime, truncated) = await reader.GetAsync(mailbox, message_id);
        var folders = await reader.FolderNamesAsync(mailbox);
        var m = MessageView.ToMessage(record, mime, truncated, folders.GetValueOrDefault(record.FolderId, ""));
        return new
        {
            id = m.Id, subject = m.Subject, from = m.From, to = m.To, cc = m.Cc, reply_to = m.ReplyTo, date = m.Date, folder = m.Folder, flags = m.Flags,
            thread_id = m.ThreadId, text = m.Body, extracted_text = m.ExtractedText, html = m.HtmlBody, message_id_header = m.MessageIdHeader,
            in_reply_to = m.InReplyTo, truncated = m.Truncated,
            attachments = m.Attachments.Select(a => new { id = a.Id, filename = a.Filename, original_filename = a.OriginalFilename, content_type = a.ContentType, size = a.Size }),
        };
    }

    [McpServerTool(Name = "send_message", Destructive = false, OpenWorld = true)]
    [Description("Send an email from your mailbox. Recipients on this server have it at once; others are delivered over SMTP. Pass an idempotency_key (any unique string) when you might retry, so a retry never sends twice.")]
    public async Task<object> SendMessageAsync(
        [Description("Recipient addresses.")] string[] to,
        [Description("The subject line.")] string subject,
        [Description("The plain-text body.")] string text,
        [Description("Carbon-copy addresses.")] string[]? cc = null,
        [Description("An HTML body to send alongside the text.")] string? html = null,
        [Description("A unique string that makes retries of this call send only once (24 hours).")] string? idempotency_key = null)
    {
        var mailbox = await MailboxAsync();
        var from = EmailAddress.Parse(mailbox.Address, "from");
        var composition = new Composition(from, Addresses(to, "to"), Addresses(cc ?? [], "cc"), [], subject, text, html);
        var request = System.Text.Encoding.UTF8.GetBytes(System.Text.Json.JsonSerializer.Serialize(new { to, subject, text, cc, html }));
        var sent = await idempotent.SendAsync(mailbox, idempotency_key, request,
            claim => pipeline.SubmitAsync(mailbox, from, composer.Compose(composition), composition.EnvelopeRecipients, Cancellation, claim), Cancellation);
        return Outbound(sent);
    }

    [McpServerTool(Name = "reply_to_message", Destructive = false, OpenWorld = true)]
    [Description("Reply to a message of your mailbox: it goes to the sender (or Reply-To), with 'Re:' and the headers that keep the conversation threaded. reply_all adds the other recipients; quote appends the original below your text.")]
    public async Task<object> ReplyToMessageAsync(
        [Description("The id of the message to answer.")] string message_id,
        [Description("What you write.")] string text,
        [Description("Also reply to everyone the message was addressed to.")] bool reply_all = false,
        [Description("Quote the original message below your text.")] bool quote = false,
        [Description("A unique string that makes retries of this call send only once (24 hours).")] string? idempotency_key = null)
    {
        var mailbox = await MailboxAsync();
        var from = EmailAddress.Parse(mailbox.Address, "from");
        var request = System.Text.Encoding.UTF8.GetBytes(System.Text.Json.JsonSerializer.Serialize(new { message_id, text, reply_all, quote }));
        var sent = await idempotent.SendAsync(mailbox, idempotency_key, request, async claim =>
        {
            var (original, mime, _) = await reader.GetAsync(mailbox, message_id);
            var composition = replies.ComposeReply(from, mime, new ReplyComposer.Reply(text, null, reply_all, quote, [], [], []));
            var record = await pipeline.SubmitAsync(mailbox, from, composer.Compose(composition), composition.EnvelopeRecipients, Cancellation, claim);
            try { await organizer.MarkAnsweredAsync(mailbox, original.Id); }
            catch (MailServerException e) when (e.Kind == ErrorKind.NotFound) { }
            return record;
        }, Cancellation);
        return Outbound(sent);
    }

    [McpServerTool(Name = "wait_for_message", ReadOnly = true)]
    [Description("Wait until a message matching the filters arrives in your mailbox, then return it (summary and text) — for verification codes, confirmations and replies. Only messages arriving after the call starts count, unless received_after is given: then a match already received since that time is returned at once. Returns {\"timed_out\": true} when nothing matched in time.")]
    public async Task<object> WaitForMessageAsync(
        [Description("Part of the sender's address or name.")] string? from = null,
        [Description("Part of the subject.")] string? subject_contains = null,
        [Description("Text the body must contain (case-insensitive).")] string? text_contains = null,
        [Description("Also accept a matching message received at or after this RFC 3339 time.")] string? received_after = null,
        [Description("How long to wait, in seconds (default 60, at most 300).")] int timeout_seconds = 60)
    {
        var mailbox = await MailboxAsync();
        var timeout = TimeSpan.FromSeconds(Math.Clamp(timeout_seconds, 1, MaxWaitSeconds));
        // The wait lasts only as long as the key's rights: a revocation or a disabled mailbox ends it.
        using var rights = revocations.Link(http.HttpContext!.Caller(), Cancellation);
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(rights.Token);
        deadline.CancelAfter(timeout);
        var wake = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });
        using var subscription = changes.Subscribe(mailbox.Id, () => wake.Writer.TryWrite(true));
        var cursor = await events.LatestIdAsync(mailbox.Id);

        if (Time(received_after, "received_after") is { } after)
        {
            var (recent, _) = await reader.ListAsync(mailbox, MailboxReader.AllFolders, 100, new MessageQuery(mailbox.Id, 0) { Since = after, From = from, Subject = subject_contains });
            foreach (var candidate in recent.Reverse())
                if (await MatchAsync(mailbox, candidate, text_contains) is { } found) return found;
        }
        try
        {
            while (true)
            {
                foreach (var e in await events.ListAfterAsync(mailbox.Id, cursor, [MailboxEventType.Received], 100))
                {
                    cursor = e.Id;
                    MessageRecord record;
                    try { record = await reader.FindAsync(mailbox, e.MessageId); }
                    catch (MailServerException) { continue; } // already deleted
                    if (!Contains(record.FromHeader, from) || !Contains(record.Subject, subject_contains)) continue;
                    if (await MatchAsync(mailbox, record, text_contains) is { } found) return found;
                }
                await wake.Reader.ReadAsync(deadline.Token);
            }
        }
        catch (OperationCanceledException) when (!Cancellation.IsCancellationRequested)
        {
            if (rights.IsCancellationRequested) throw new McpException("The API key was revoked or its mailbox disabled; the wait has ended.");
            return new { timed_out = true, waited_seconds = (int)timeout.TotalSeconds };
        }
    }

    [McpServerTool(Name = "list_threads", ReadOnly = true)]
    [Description("List your conversations, most recently active first, each with its messages (received and sent) oldest first.")]
    public async Task<object> ListThreadsAsync([Description("At most this many threads (default 10, at most 50).")] int limit = 10)
    {
        var mailbox = await MailboxAsync();
        var (page, _) = await reader.ListThreadsAsync(mailbox, Math.Clamp(limit, 1, 50), null);
        var folders = await reader.FolderNamesAsync(mailbox);
        return page.Select(t => new
        {
            thread_id = t.Thread.ThreadId, subject = ThreadSubject.Strip(t.Messages.FirstOrDefault()?.Subject ?? ""), message_count = t.Thread.Messages,
            unread_count = t.Thread.Unread, messages = t.Messages.Select(m => Summary(m, folders)),
        }).ToList();
    }

    private CancellationToken Cancellation => http.HttpContext?.RequestAborted ?? CancellationToken.None;

    private async Task<MailboxRecord> MailboxAsync()
    {
        var caller = (http.HttpContext ?? throw new McpException("No request.")).Caller();
        var mailbox = await mailboxes.GetAsync(caller.MailboxAddress);
        if (!mailbox.IsActive) throw new McpException($"The mailbox {mailbox.Address} is disabled.");
        return mailbox;
    }

    private async Task<object?> MatchAsync(MailboxRecord mailbox, MessageRecord record, string? textContains)
    {
        var (_, mime, _) = await reader.GetAsync(mailbox, record.Id);
        var text = MessageBody.Text(mime);
        if (!Contains(text, textContains)) return null;
        var folders = await reader.FolderNamesAsync(mailbox);
        return new { timed_out = false, message = Summary(record, folders), text, extracted_text = ReplyExtractor.Extract(mime.TextBody, mime.HtmlBody) };
    }

    private async Task<object> SummariesAsync(MailboxRecord mailbox, IReadOnlyList<MessageRecord> page)
    {
        var folders = await reader.FolderNamesAsync(mailbox);
        return page.Select(m => Summary(m, folders)).ToList();
    }

    private static object Summary(MessageRecord m, IReadOnlyDictionary<long, string> folders) => new
    {
        id = m.Id, subject = m.Subject, from = m.FromHeader, to = m.ToHeader, date = m.DateHeader, flags = MessageFlags.List(m.Flags),
        folder = folders.GetValueOrDefault(m.FolderId, ""), thread_id = m.ThreadId,
    };

    private static object Outbound(OutboundRecord o) => new
    {
        id = o.Id, state = o.State, recipients = o.RecipientList, subject = o.Subject, message_id = o.MessageId, error = o.Error,
    };

    private static bool Contains(string value, string? part) => string.IsNullOrEmpty(part) || value.Contains(part, StringComparison.OrdinalIgnoreCase);

    private static IReadOnlyList<EmailAddress> Addresses(IEnumerable<string> values, string field) => values.Select(v => EmailAddress.Parse(v, field)).ToList();

    private static long? Time(string? value, string name) => TimeParameter.Parse(value, name);
}
