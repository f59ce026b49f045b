using System.Buffers;
using System.Net;
using System.Text;
using MimeKit;
using Microsoft.Extensions.Options;
using MimeKit.Cryptography;
using OpenMailserver.Server.Configuration;
using OpenMailserver.Server.Dns;
using OpenMailserver.Server.Messages;

namespace OpenMailserver.Server.MailAuthentication;

/// <summary>Checks mail arriving at the MX — each DKIM signature (RFC 6376) with MimeKit's verifier and the
/// envelope sender's SPF (RFC 7208) — and states the outcome in an <c>Authentication-Results</c> header
/// (RFC 8601). Nothing is refused on these results; they inform the reader and later filtering. This runs
/// before anything is known about the sender, so its cost is bounded: one time budget for all of it
/// (Inbound:AuthenticationBudget), a few signatures (Inbound:MaxDkimSignatures), keys within
/// <see cref="DkimKeyPolicy"/>, and a message parsed no further than its header and one opaque body.</summary>
public sealed class InboundAuthenticator(SpfEvaluator spf, DnsDkimKeyLocator keys, IOptions<InboundOptions> options, ILogger<InboundAuthenticator> logger)
{
    /// <returns>The header field, folded, ending in CRLF.</returns>
    public async Task<string> AuthenticateAsync(string authservId, IPAddress? client, string helo, string mailFrom, ReadOnlySequence<byte> data,
        CancellationToken cancellationToken)
    {
        using var budget = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        budget.CancelAfter(options.Value.AuthenticationBudget);
        var results = new List<string>();
        // A check that breaks must not cost the message: it is reported, never thrown.
        try
        {
            results.AddRange(await DkimAsync(data, budget.Token));
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            results.Add("dkim=temperror (time budget spent)");
        }
        catch (Exception e) when (e is not (OutOfMemoryException or OperationCanceledException))
        {
            logger.LogWarning(e, "DKIM check failed");
            results.Add("dkim=temperror (internal error)");
        }
        try
        {
            results.Add(await SpfAsync(client, helo, mailFrom, budget.Token));
        }
        catch (Exception e) when (e is not (OutOfMemoryException or OperationCanceledException))
        {
            logger.LogWarning(e, "SPF check failed");
            results.Add("spf=temperror (internal error)");
        }
        cancellationToken.ThrowIfCancellationRequested();
        return $"Authentication-Results: {authservId};\r\n\t{string.Join(";\r\n\t", results)}\r\n";
    }

    private async Task<IEnumerable<string>> DkimAsync(ReadOnlySequence<byte> data, CancellationToken ct)
    {
        var inbound = options.Value;
        var stream = new MemoryStream(data.ToArray(), writable: false);
        var header = MimeStructureScanner.Scan(stream, MimeLimits.From(inbound), headersOnly: true, ct);
        if (header.TopLevelHeaders > inbound.MaxHeaders) return [$"dkim=permerror (more than {inbound.MaxHeaders} header fields)"];
        if (!header.HasDkimSignature) return ["dkim=none"];
        MimeMessage message;
        try
        {
            stream.Position = 0;
            // The body hash is taken over the body as bytes: parsing it as one opaque part keeps the check
            // exact and its memory flat, however many parts the body holds.
            message = await MimeMessage.LoadAsync(new ParserOptions { MaxMimeDepth = 0 }, stream, ct);
        }
        catch (FormatException)
        {
            return ["dkim=none (unparsable message)"];
        }
        var signatures = message.Headers.Where(h => h.Id == HeaderId.DkimSignature).ToList();

        var verifier = new DkimVerifier(keys);
        var results = new List<string>();
        foreach (var (signature, index) in signatures.Select((s, i) => (s, i)))
        {
            var tags = Tags(signature.Value);
            var b = new string((tags.GetValueOrDefault("b") ?? "").Where(c => !char.IsWhiteSpace(c)).Take(8).ToArray());
            var identity = $"header.d={Clean(tags.GetValueOrDefault("d"))} header.s={Clean(tags.GetValueOrDefault("s"))} header.b={Clean(b)}";
            if (index >= inbound.MaxDkimSignatures)
            {
                results.Add($"dkim=policy (not checked: at most {inbound.MaxDkimSignatures} signatures are verified) {identity}");
                continue;
            }
            if (ct.IsCancellationRequested)
            {
                results.Add($"dkim=temperror (time budget spent) {identity}");
                continue;
            }
            string result;
            try
            {
                result = await verifier.VerifyAsync(message, signature, ct) ? "pass" : "fail";
            }
            catch (DkimKeyRecordException e)
            {
                logger.LogInformation("DKIM key of {Identity} refused: {Reason}", identity, e.Message);
                result = $"{e.Result} ({Comment(e.Message)})";
            }
            catch (Exception e) when (e is DnsLookupException or OperationCanceledException)
            {
                result = "temperror";
            }
            catch (Exception e)
            {
                logger.LogInformation("DKIM signature of {Identity} could not be checked: {Error}", identity, e.Message);
                result = $"permerror ({Comment(e.Message)})";
            }
            results.Add($"dkim={result} {identity}");
        }
        return results;
    }

    private async Task<string> SpfAsync(IPAddress? client, string helo, string mailFrom, CancellationToken ct)
    {
        // With a null sender (a bounce), SPF checks the HELO name instead (RFC 7208 §2.4).
        var identity = mailFrom.Length > 0 ? mailFrom : $"postmaster@{helo}";
        var domain = identity[(identity.LastIndexOf('@') + 1)..];
        var property = mailFrom.Length > 0 ? $"smtp.mailfrom={Clean(identity)}" : $"smtp.helo={Clean(helo)}";
        if (client is null || !Kernel.DomainName.IsValid(domain)) return $"spf=none {property}";
        string result;
        try
        {
            result = await spf.CheckAsync(client, domain, ct);
        }
        catch (OperationCanceledException)
        {
            result = SpfResult.TempError;
        }
        return $"spf={result} {property}";
    }

    /// <summary>An RFC 5322 comment: no parentheses or line breaks inside.</summary>
    private static string Comment(string text) =>
        new(text.Where(c => c is >= ' ' and < '\u007f' and not '(' and not ')' and not '\\').Take(120).ToArray());

    private static Dictionary<string, string> Tags(string value)
    {
        var tags = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var part in value.Split(';'))
        {
            var equals = part.IndexOf('=');
            if (equals > 0) tags[part[..equals].Trim()] = part[(equals + 1)..].Trim();
        }
        return tags;
    }

    /// <summary>Values come from the sender: keep them to characters that cannot break the header.</summary>
    private static string Clean(string? value)
    {
        var safe = new StringBuilder();
        foreach (var c in value ?? "")
            if (c is > ' ' and < '\u007f' and not ';' and not '(' and not ')' and not '"' && safe.Length < 255) safe.Append(c);
        return safe.Length == 0 ? "unknown" : safe.ToString();
    }
}
