namespace OpenMailserver.Server.Api;

/// <summary>The scope an RPC needs. Every RPC carries one: <see cref="ApiKeyInterceptor"/> refuses a method
/// without it, so a forgotten attribute fails closed.</summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class RequiresScopeAttribute(string scope) : Attribute
{
    public string Scope { get; } = scope;
}
