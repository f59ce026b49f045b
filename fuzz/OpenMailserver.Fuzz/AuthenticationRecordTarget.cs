using System.Text;
using OpenMailserver.Server.MailAuthentication;

namespace OpenMailserver.Fuzz;

/// <summary>DNS TXT records a sender's domain publishes, read on every arriving message before anything is
/// known of the sender: an SPF policy and a DKIM key. A refusal of the record (permerror, or a key out of
/// policy) is the expected answer to garbage; any other exception is a finding.</summary>
public static class AuthenticationRecordTarget
{
    public static void Spf(byte[] input)
    {
        try
        {
            SpfRecord.Parse(Encoding.UTF8.GetString(input), "example.test");
        }
        catch (SpfPermanentError)
        {
        }
    }

    public static void DkimKey(byte[] input)
    {
        try
        {
            DnsDkimKeyLocator.ParseRecord(Encoding.UTF8.GetString(input));
        }
        catch (DkimKeyRecordException)
        {
        }
    }
}
