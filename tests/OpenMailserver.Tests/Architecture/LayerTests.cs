using System.Reflection;
using NetArchTest.Rules;

namespace OpenMailserver.Tests.Architecture;

/// <summary>The layering of docs/architecture.md, checked on the compiled server: each top-level folder
/// (namespace) has a layer, and a folder may use only folders of lower layers, so no two areas depend on
/// each other; no SQL or ADO.NET outside Storage; doors change the store only through the ingest and change services;
/// the dashboard reaches the server only through the SDK.</summary>
public sealed class LayerTests
{
    private static readonly Assembly Server = Assembly.Load("OpenMailserver.Server");

    /// <summary>Lower numbers are lower layers. Doors (the protocols and the API) share a layer and so may not
    /// use one another; Hosting wires everything and sits on top.</summary>
    public static readonly IReadOnlyDictionary<string, int> Layers = new Dictionary<string, int>
    {
        ["Kernel"] = 0,
        ["Configuration"] = 1,
        ["Net"] = 2, ["Telemetry"] = 2, ["Dns"] = 3,
        ["Storage"] = 4,
        ["Events"] = 5,
        ["Accounts"] = 6,
        ["Messages"] = 7,
        ["MailAuthentication"] = 8,
        ["Delivery"] = 9, ["Webhooks"] = 9,
        ["Submission"] = 10,
        ["Operations"] = 11,
        ["Views"] = 12,
        ["Smtp"] = 13, ["Imap"] = 13, ["Api"] = 13, ["Mcp"] = 13, ["Cli"] = 13,
        ["Hosting"] = 14,
    };

    private static readonly string[] Sql = ["Dapper", "Microsoft.Data.Sqlite", "System.Data.Common"];

    [Fact]
    public void Every_folder_of_the_server_has_a_layer()
    {
        Assert.Equal(Layers.Keys.Order(), Folders().Order());
    }

    [Fact]
    public void Folders_use_only_lower_layers()
    {
        var violations = Violations(Edges());
        Assert.True(violations.Count == 0, "Uses of a higher layer: " + string.Join(", ", violations.Order()));
    }

    [Fact]
    public void A_use_of_a_higher_layer_is_a_violation()
    {
        // The checker itself, on a made-up graph: Storage using Imap breaks the layering, and so does one door
        // using another; Imap using Storage, and Hosting using anything, do not.
        Assert.Equal(["Imap -> Api", "Storage -> Imap"], Violations(["Imap -> Storage", "Storage -> Imap", "Imap -> Api", "Hosting -> Imap"]).Order());
    }

    [Fact]
    public void No_sql_outside_storage()
    {
        var users = Types.InAssembly(Server).That().DoNotResideInNamespaceMatching(@"^OpenMailserver\.Server\.Storage(\.|$)")
            .And().HaveDependencyOnAny(Sql).GetTypes().Select(t => t.FullName!.Split('/', '+')[0]["OpenMailserver.Server.".Length..]).ToHashSet();
        Assert.True(users.Count == 0, "SQL or ADO.NET outside Storage: " + string.Join(", ", users.Order()));
    }

    [Fact]
    public void Doors_change_the_store_only_through_the_ingest_and_change_services()
    {
        // A door holding a unit of work could write around MessageIngest and MessageChanges; none can get one.
        var doors = Layers.Where(l => l.Value == Layers["Imap"]).Select(l => l.Key).ToList();
        var writers = Types.InAssembly(Server).That().ResideInNamespaceMatching($@"^OpenMailserver\.Server\.({string.Join('|', doors)})(\.|$)")
            .And().HaveDependencyOnAny("OpenMailserver.Server.Storage.IStore", "OpenMailserver.Server.Storage.IUnitOfWork").GetTypes().Select(t => t.FullName).ToList();
        Assert.True(writers.Count == 0, "Doors writing to the store directly: " + string.Join(", ", writers));
    }

    [Fact]
    public void The_dashboard_uses_the_server_only_through_the_sdk()
    {
        var result = Types.InAssembly(Assembly.Load("OpenMailserver.Admin")).ShouldNot().HaveDependencyOnAny("OpenMailserver.Server").GetResult();
        Assert.True(result.IsSuccessful, string.Join(", ", result.FailingTypes?.Select(t => t.FullName) ?? []));
    }

    /// <summary>"A -> B" for each pair of folders where a type of A uses a type of B.</summary>
    private static HashSet<string> Edges()
    {
        var types = Types.InAssembly(Server);
        var folders = Folders();
        var edges = new HashSet<string>();
        foreach (var from in folders)
            foreach (var to in folders.Where(f => f != from))
                if (types.That().ResideInNamespaceMatching(InFolder(from)).And().HaveDependencyOnAny($"OpenMailserver.Server.{to}").GetTypes().Any())
                    edges.Add($"{from} -> {to}");
        return edges;
    }

    private static HashSet<string> Violations(IEnumerable<string> edges) => edges.Where(e =>
    {
        var (from, to) = (e.Split(" -> ")[0], e.Split(" -> ")[1]);
        return Layers[from] <= Layers[to];
    }).ToHashSet();

    private static List<string> Folders() => Server.GetTypes().Select(t => t.Namespace ?? "")
        .Where(n => n.StartsWith("OpenMailserver.Server.", StringComparison.Ordinal)).Select(n => n.Split('.')[2]).Distinct().ToList();

    private static string InFolder(string folder) => $@"^OpenMailserver\.Server\.{folder}(\.|$)";
}
