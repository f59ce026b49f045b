using OpenMailserver.Server.Kernel;

namespace OpenMailserver.Server.Accounts;

/// <summary>What a chosen mailbox password must be. Generated passwords always pass.</summary>
public static class PasswordPolicy
{
    public const int MinLength = 8;
    public const int MaxLength = 256;

    public static string Check(string password)
    {
        if (password.Length < MinLength)
            throw new MailServerException(ErrorKind.InvalidArgument, $"password: must be at least {MinLength} characters; omit it to have a strong one generated.");
        if (password.Length > MaxLength)
            throw new MailServerException(ErrorKind.InvalidArgument, $"password: must be at most {MaxLength} characters.");
        if (password.Any(char.IsControl))
            throw new MailServerException(ErrorKind.InvalidArgument, "password: must not contain control characters.");
        return password;
    }
}
