using System.Globalization;
using System.Text;
using MimeKit;

namespace OpenMailserver.Server.Messages;

/// <summary>A sender's attachment name made safe to save under on any system: the sender chooses it, so it
/// may climb directories (<c>../../x</c>), break headers and logs (CR, LF) or disguise its extension with a
/// right-to-left override (U+202E). The name as sent stays available for display.</summary>
public static class AttachmentFileName
{
    public const int MaxLength = 120;

    /// <summary>Extensions longer than this are not kept when a long name is shortened.</summary>
    private const int MaxExtensionLength = 16;

    private static readonly string[] ReservedOnWindows =
        ["CON", "PRN", "AUX", "NUL", .. Enumerable.Range(0, 10).SelectMany(i => new[] { $"COM{i}", $"LPT{i}" })];

    /// <summary>The safe name for the part numbered <paramref name="id"/>.</summary>
    public static string For(string id, MimeEntity part) =>
        Sanitize(MessageParts.FileName(part), "attachment-" + id + (MimeTypes.TryGetExtension(part.ContentType.MimeType, out var extension) ? extension : ""));

    /// <param name="fallback">Used when nothing of <paramref name="original"/> is left; must itself be safe.</param>
    public static string Sanitize(string original, string fallback)
    {
        // Only the last path segment counts, as browsers do with a download's suggested name.
        var name = original[(original.LastIndexOfAny(['/', '\\']) + 1)..];
        var safe = new StringBuilder(Math.Min(name.Length, MaxLength * 2));
        foreach (var rune in name.EnumerateRunes())
        {
            switch (Rune.GetUnicodeCategory(rune))
            {
                // Controls, format characters (bidi overrides, zero-width), separators and lone surrogates.
                case UnicodeCategory.Control or UnicodeCategory.Format or UnicodeCategory.LineSeparator or UnicodeCategory.ParagraphSeparator
                    or UnicodeCategory.Surrogate or UnicodeCategory.OtherNotAssigned:
                    continue;
                case UnicodeCategory.SpaceSeparator:
                    safe.Append(' ');
                    continue;
            }
            if (rune.Value is '<' or '>' or ':' or '"' or '|' or '?' or '*') safe.Append('_');
            else safe.Append(rune.ToString());
        }
        // A leading dot hides the file, a leading dash reads as an option; Windows drops trailing dots and spaces.
        var result = safe.ToString().TrimStart(' ', '.', '-', '~').TrimEnd(' ', '.');
        if (result.Length == 0) return fallback;
        var stem = result.Split('.')[0].TrimEnd(' ');
        return Shorten(ReservedOnWindows.Contains(stem, StringComparer.OrdinalIgnoreCase) ? "_" + result : result);
    }

    /// <summary>Cuts the name to <see cref="MaxLength"/> characters, keeping a short extension, never
    /// splitting a character in two.</summary>
    private static string Shorten(string name)
    {
        if (name.Length <= MaxLength) return name;
        var dot = name.LastIndexOf('.');
        var extension = dot > 0 && name.Length - dot <= MaxExtensionLength ? name[dot..] : "";
        var stem = new StringBuilder();
        foreach (var rune in name[..(name.Length - extension.Length)].EnumerateRunes())
        {
            if (stem.Length + rune.Utf16SequenceLength + extension.Length > MaxLength) break;
            stem.Append(rune.ToString());
        }
        return stem.ToString().TrimEnd(' ', '.') + extension;
    }
}
