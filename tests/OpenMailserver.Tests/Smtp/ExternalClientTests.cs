using System.Diagnostics;
using OpenMailserver.Tests.Infrastructure;

namespace OpenMailserver.Tests.Smtp;

/// <summary>A client nobody here wrote: Python's smtplib, delivering to the MX and submitting over 465.</summary>
[Collection(SharedMailServerCollection.Name)]
public sealed class ExternalClientTests(SharedMailServer server)
{
    private static async Task<string> PythonAsync(string script)
    {
        var info = new ProcessStartInfo("python3") { ArgumentList = { "-c", script }, RedirectStandardOutput = true, RedirectStandardError = true };
        using var process = Process.Start(info)!;
        var stdout = await process.StandardOutput.ReadToEndAsync();
        var stderr = await process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        Assert.True(process.ExitCode == 0, $"python failed: {stderr}");
        return stdout;
    }

    [Fact]
    public async Task Python_smtplib_delivers_to_the_mx()
    {
        var box = await server.CreateMailboxAsync();
        var output = await PythonAsync($$"""
            import smtplib
            from email.message import EmailMessage
            m = EmailMessage()
            m["From"] = "py@python.test"
            m["To"] = "{{box.Address}}"
            m["Subject"] = "from smtplib"
            m.set_content("hello from python")
            with smtplib.SMTP("127.0.0.1", {{server.Started().MxPort}}, local_hostname="python.test") as s:
                s.starttls()
                print(s.send_message(m))
            """);
        Assert.Equal("{}", output.Trim());
        using var reader = server.Rest(box.Key);
        Assert.Equal("from smtplib", Assert.Single((await reader.GetJsonAsync($"/v1/mailboxes/{box.Address}/messages")).EnumerateArray()).GetProperty("subject").GetString());
    }

    [Fact]
    public async Task Python_smtplib_submits_over_implicit_tls()
    {
        var (sender, recipient) = (await server.CreateMailboxAsync(), await server.CreateMailboxAsync());
        var output = await PythonAsync($$"""
            import smtplib, ssl
            from email.message import EmailMessage
            context = ssl.create_default_context()
            context.check_hostname = False
            context.verify_mode = ssl.CERT_NONE
            m = EmailMessage()
            m["From"] = "{{sender.Address}}"
            m["To"] = "{{recipient.Address}}"
            m["Subject"] = "submitted by smtplib"
            m.set_content("over 465")
            with smtplib.SMTP_SSL("127.0.0.1", {{server.Started().SubmissionTlsPort}}, context=context) as s:
                s.login("{{sender.Address}}", "{{sender.Password}}")
                print(s.send_message(m))
            """);
        Assert.Equal("{}", output.Trim());
        using var reader = server.Rest(recipient.Key);
        Assert.Equal("submitted by smtplib", Assert.Single((await reader.GetJsonAsync($"/v1/mailboxes/{recipient.Address}/messages")).EnumerateArray()).GetProperty("subject").GetString());
        using var owner = server.Rest(sender.Key);
        Assert.Equal("sent", Assert.Single((await owner.GetJsonAsync("/v1/outbound")).EnumerateArray()).GetProperty("state").GetString());
    }
}
