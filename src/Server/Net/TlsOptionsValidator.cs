using OpenMailserver.Server.Configuration;

namespace OpenMailserver.Server.Net;

/// <summary>Tls: a certificate and its key come together, and exist.</summary>
public sealed class TlsOptionsValidator : SectionValidator
{
    protected override void Check(OpenMailserverOptions o, List<string> errors)
    {
        if (string.IsNullOrEmpty(o.Tls.CertificatePath) != string.IsNullOrEmpty(o.Tls.KeyPath))
            errors.Add($"{P}Tls:CertificatePath and Tls:KeyPath go together: set both (PEM files) or neither (a self-signed certificate is generated).");
        foreach (var (key, path) in new[] { ("Tls:CertificatePath", o.Tls.CertificatePath), ("Tls:KeyPath", o.Tls.KeyPath) })
            if (!string.IsNullOrEmpty(path) && !File.Exists(path))
                errors.Add($"{P}{key} names '{path}', which does not exist.");
    }
}
