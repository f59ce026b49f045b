namespace OpenMailserver.Server.Storage;

/// <summary>A write broke a uniqueness rule of the store (an address or a name already taken): the areas
/// turn it into their own "already exists" without knowing which database said it.</summary>
public sealed class DuplicateKeyException(Exception inner) : Exception("The store already holds a row with this key.", inner);
