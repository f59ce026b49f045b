namespace OpenMailserver.Server.Submission;

/// <summary>What Submission registers: composing, replying and sending.</summary>
public static class SubmissionRegistration
{
    public static IServiceCollection AddSubmission(this IServiceCollection services)
    {
        services.AddSingleton<ReplyComposer>();
        services.AddSingleton<IdempotentSends>();
        services.AddSingleton<MessageComposer>();
        services.AddSingleton<SenderPolicy>();
        services.AddSingleton<SubmissionPipeline>();
        return services;
    }
}
