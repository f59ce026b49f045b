using System.Net.Http.Json;
using System.Text.Json;

namespace OpenMailserver.Server.Cli;

/// <summary>The command line talks to the running server through its REST API, with the admin key, so
/// every rule (validation, ownership, hashing) lives in one place.</summary>
public sealed class ApiClient(string server, string key) : IDisposable
{
    private readonly HttpClient _http = new() { BaseAddress = new Uri(server), Timeout = TimeSpan.FromMinutes(10), DefaultRequestHeaders = { { "X-OpenMailserver-Key", key } } };

    public Task<JsonElement> GetAsync(string path) => SendAsync(HttpMethod.Get, path, null);

    public Task<JsonElement> PostAsync(string path, object? body = null) => SendAsync(HttpMethod.Post, path, body ?? new { });

    public Task<JsonElement> DeleteAsync(string path) => SendAsync(HttpMethod.Delete, path, null);

    private async Task<JsonElement> SendAsync(HttpMethod method, string path, object? body)
    {
        using var request = new HttpRequestMessage(method, path) { Content = body is null ? null : JsonContent.Create(body) };
        HttpResponseMessage response;
        try
        {
            response = await _http.SendAsync(request);
        }
        catch (HttpRequestException e)
        {
            throw new CliException($"Cannot reach the server at {_http.BaseAddress}: {e.Message}. Is it running? (--server)");
        }
        using (response)
        {
            var text = await response.Content.ReadAsStringAsync();
            var json = text.Length == 0 ? default : JsonDocument.Parse(text).RootElement.Clone();
            if (response.IsSuccessStatusCode) return json;
            var message = json.ValueKind == JsonValueKind.Object && json.TryGetProperty("message", out var m) ? m.GetString() : text;
            throw new CliException($"{(int)response.StatusCode} {response.ReasonPhrase}: {message}");
        }
    }

    public void Dispose() => _http.Dispose();
}

/// <summary>A command failed in a way the user can act on: printed without a stack trace, exit code 1.</summary>
public sealed class CliException(string message) : Exception(message);
