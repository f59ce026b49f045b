using System.Collections.Frozen;

namespace OpenMailserver.Server.Imap.Commands;

/// <summary>Every command the server knows, by name, and the handler that runs it.</summary>
public static class CommandTable
{
    private static readonly ICommandHandler[] Handlers =
    [
        new CapabilityHandler(), new NoopHandler(), new CheckHandler(), new LogoutHandler(), new IdHandler(),
        new StartTlsHandler(), new LoginHandler(),
        new NamespaceHandler(), new EnableHandler(), new SelectHandler(), new CreateHandler(), new DeleteHandler(), new RenameHandler(),
        new SubscribeHandler(), new ListHandler(), new StatusHandler(), new AppendHandler(), new IdleHandler(),
        new CloseHandler(), new ExpungeHandler(), new SearchHandler(), new FetchHandler(), new StoreHandler(), new CopyHandler(), new QuotaHandler(),
        new CompressHandler(), new SortHandler(), new ThreadHandler(),
    ];

    private static readonly FrozenDictionary<string, ICommandHandler> ByName =
        Handlers.SelectMany(h => h.Names.Select(n => KeyValuePair.Create(n, h))).ToFrozenDictionary();

    public static ICommandHandler? Find(string name) => ByName.GetValueOrDefault(name);
}
