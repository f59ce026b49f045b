using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace OpenMailserver.Tests.Infrastructure;

/// <summary>A real DNS server (dnsmasq from Debian's packages) on a loopback port, authoritative for the
/// <c>.test</c> names a test gives it: everything else under <c>.test</c> is NXDOMAIN, and names outside
/// it are refused (a resolver failure). The port is chosen first, so servers can be configured with it
/// before the records — DKIM keys, say — exist.</summary>
public sealed class Dnsmasq : IDisposable
{
    private static readonly Lazy<Dnsmasq> SharedServer = new(() =>
    {
        var dns = new Dnsmasq();
        dns.StartAsync().GetAwaiter().GetResult();
        AppDomain.CurrentDomain.ProcessExit += (_, _) => dns.Dispose();
        return dns;
    });

    /// <summary>One server with no records, shared by every test server by default: lookups under
    /// <c>.test</c> get a quick NXDOMAIN, others a quick refusal, and nothing reaches the internet.</summary>
    public static Dnsmasq Shared => SharedServer.Value;

    private readonly List<string> _records = [];
    private Process? _process;

    public int Port { get; } = FreeUdpPort();

    /// <summary>The value for <c>Delivery:DnsServers</c>.</summary>
    public string Address => $"127.0.0.1:{Port}";

    public Dnsmasq Mx(string domain, string host, int preference) => Add($"--mx-host={domain},{host},{preference}");

    public Dnsmasq Host(string name, string address) => Add($"--host-record={name},{address}");

    public Dnsmasq Cname(string name, string target) => Add($"--cname={name},{target}");

    public Dnsmasq Srv(string name, string target, int port, int priority, int weight) => Add($"--srv-host={name},{target},{port},{priority},{weight}");

    /// <summary>A TXT record (no commas: dnsmasq splits strings there); values longer than 255 characters become
    /// several strings, as DNS requires.</summary>
    public Dnsmasq Txt(string name, string value) =>
        Add($"--txt-record={name}," + string.Join(",", value.Chunk(255).Select(c => new string(c))));

    private Dnsmasq Add(string record)
    {
        _records.Add(record);
        return this;
    }

    /// <summary>Starts dnsmasq with the records given so far and waits until it answers.</summary>
    public async Task StartAsync()
    {
        var start = new ProcessStartInfo("dnsmasq")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var argument in new[]
                 {
                     "--keep-in-foreground", "--conf-file=/dev/null", "--no-resolv", "--no-hosts", "--no-poll", "--no-negcache",
                     "--listen-address=127.0.0.1", "--bind-interfaces", $"--port={Port}", "--local=/test/", "--pid-file=",
                     "--log-facility=-", "--cache-size=0",
                 }.Concat(Environment.UserName == "root" ? ["--user=root"] : []).Concat(_records))
            start.ArgumentList.Add(argument);
        _process = Process.Start(start) ?? throw new InvalidOperationException("dnsmasq did not start; is it installed (apt-get install dnsmasq-base)?");
        _process.OutputDataReceived += (_, _) => { };
        _process.ErrorDataReceived += (_, _) => { };
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
        for (var i = 0; i < 100; i++)
        {
            if (_process.HasExited) throw new InvalidOperationException($"dnsmasq exited with code {_process.ExitCode}.");
            using var probe = new TcpClient();
            try
            {
                await probe.ConnectAsync(IPAddress.Loopback, Port);
                return;
            }
            catch (SocketException)
            {
                await Task.Delay(50);
            }
        }
        throw new TimeoutException("dnsmasq did not start listening.");
    }

    public void Dispose()
    {
        if (_process is { HasExited: false })
        {
            _process.Kill();
            _process.WaitForExit(5000);
        }
        _process?.Dispose();
    }

    private static int FreeUdpPort()
    {
        // The port must be free for both UDP and TCP (dnsmasq listens on both).
        while (true)
        {
            var port = TestPaths.FreeTcpPort();
            try
            {
                using var udp = new UdpClient(new IPEndPoint(IPAddress.Loopback, port));
                return port;
            }
            catch (SocketException)
            {
                // Taken for UDP: try another.
            }
        }
    }
}
