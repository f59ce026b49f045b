using Google.Protobuf.Reflection;

namespace OpenMailserver.Server.Api.OpenApi;

/// <summary>The leading proto comment of a descriptor, when it carries source info. Descriptors from
/// generated code do not (protoc leaves source info out of the embedded descriptor), so callers fall back to
/// names; descriptors built from a descriptor set with source info get the comments.</summary>
internal static class ProtoComments
{
    public static string? Of(DescriptorBase descriptor)
    {
        var text = descriptor.Declaration?.LeadingComments;
        if (string.IsNullOrWhiteSpace(text)) return null;
        return string.Join('\n', text.Split('\n').Select(line => line.Trim())).Trim();
    }

    /// <summary>The first sentence, for an operation's one-line summary.</summary>
    public static string FirstSentence(string comment)
    {
        var flat = string.Join(' ', comment.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        var end = flat.IndexOf(". ", StringComparison.Ordinal);
        return end < 0 ? flat : flat[..(end + 1)];
    }
}
