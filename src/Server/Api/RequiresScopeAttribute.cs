namespace OpenMailserver.Server.Api;

/// <summary>The scope an RPC needs (any one of them, when several are named). Every RPC carries one:
/// <see cref="ApiKeyInterceptor"/> refuses a method without it, so a forgotten attribute fails closed.</summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class RequiresScopeAttribute(string scope, params string[] alternatives) : Attribute
{
    public string Scope { get; } = scope;

    public IReadOnlyList<string> Scopes { get; } = [scope, .. alternatives];
}
