extern alias ServerAssembly;
using System.Globalization;
using System.Text;
using CsCheck;
using ServerAssembly::OpenMailserver.Server.Messages;

namespace OpenMailserver.Tests.Fuzz;

/// <summary>Whatever name a sender gives an attachment, the name offered for saving has no path separator,
/// control or format character (bidi overrides), no leading dot, is not empty and not too long; ordinary
/// names come through unchanged.</summary>
public sealed class AttachmentFileNamePropertyTests
{
    [Fact]
    public void Any_name_becomes_safe_to_save()
    {
        var hostile = Gen.OneOf<string>(
            Gen.String[0, 300],
            Gen.String[Gen.Char["./\\\r\n\t\0:*?\"<>|-~ \u202E\u202D\u2066\u200F\u2028a\u00e9\U0001F600"], 0, 40],
            Gen.String[Gen.Char['\uD800', '\uDFFF'], 0, 10],
            Gen.Int[0, 400].Select(n => new string('a', n) + ".pdf"),
            Gen.Int[0, 100].Select(n => string.Concat(Enumerable.Repeat("\U0001F600", n)) + ".txt"));
        hostile.Sample(name =>
        {
            var safe = AttachmentFileName.Sanitize(name, "attachment-2");
            Assert.NotEmpty(safe);
            Assert.True(safe.Length <= AttachmentFileName.MaxLength, $"{safe.Length} characters");
            Assert.False(safe.StartsWith('.'), safe);
            Assert.DoesNotContain('/', safe);
            Assert.DoesNotContain('\\', safe);
            Assert.True(safe.EnumerateRunes().All(r => Rune.GetUnicodeCategory(r) is not (UnicodeCategory.Control or UnicodeCategory.Format
                or UnicodeCategory.Surrogate or UnicodeCategory.LineSeparator or UnicodeCategory.ParagraphSeparator)), safe);
            Assert.Equal(safe, AttachmentFileName.Sanitize(safe, "attachment-2"));
        }, iter: 20_000, threads: 1);
    }

    [Fact]
    public void Ordinary_names_are_kept()
    {
        var ordinary = Gen.Select(Gen.String[Gen.Char["abcXYZ019 _-()äé請求"], 1, 40], Gen.OneOf(".pdf", ".tar.gz", ".txt", ""));
        ordinary.Sample((stem, extension) =>
        {
            var name = stem.Trim() + extension;
            if (name.Length == 0 || name.TrimStart(' ', '-', '.').Length != name.Length || name.EndsWith(' ')) return;
            Assert.Equal(name, AttachmentFileName.Sanitize(name, "attachment-2"));
        }, iter: 5_000, threads: 1);
    }
}
