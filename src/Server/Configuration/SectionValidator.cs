using Microsoft.Extensions.Options;

namespace OpenMailserver.Server.Configuration;

/// <summary>An area's check of its own settings, run at start with every other area's (each registers its
/// own in its <c>Add…()</c>): all the problems found are reported together, each a sentence naming the key,
/// and any one stops the start.</summary>
public abstract class SectionValidator : IValidateOptions<OpenMailserverOptions>
{
    /// <summary>What each key is written after: <c>OpenMailserver:</c>.</summary>
    protected const string P = OpenMailserverOptions.Section + ":";

    public ValidateOptionsResult Validate(string? name, OpenMailserverOptions options)
    {
        var errors = new List<string>();
        Check(options, errors);
        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }

    protected abstract void Check(OpenMailserverOptions options, List<string> errors);
}
