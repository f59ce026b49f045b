using Microsoft.Extensions.Options;
using OpenMailserver.Server.Cli;
using OpenMailserver.Server.Hosting;

// A command operates the server; anything else (configuration arguments included) runs it.
if (args.Length > 0 && (CommandLine.Commands.Contains(args[0]) || args[0] is "--help" or "-h"))
    return await CommandLine.RunAsync(args, Console.Out, Console.Error);

WebApplication app;
try
{
    var builder = WebApplication.CreateBuilder(args);
    builder.AddOpenMailserver();
    // Build already reads the options (Kestrel's listeners come from them), so validation can fail here.
    app = builder.Build();
    await app.InitializeOpenMailserverAsync();
}
catch (OptionsValidationException e)
{
    await Console.Error.WriteLineAsync("Open Mailserver cannot start; fix the configuration:");
    foreach (var failure in e.Failures) await Console.Error.WriteLineAsync("  - " + failure);
    return 2;
}

app.MapOpenMailserver();
await app.RunAsync();
return 0;

/// <summary>Visible to the integration tests' WebApplicationFactory.</summary>
public partial class Program;
