using Microsoft.Extensions.Options;
using OpenMailserver.Server.Hosting;

var builder = WebApplication.CreateBuilder(args);
builder.AddOpenMailserver();
var app = builder.Build();

try
{
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
