namespace OpenMailserver.Server.Kernel;

/// <summary>What went wrong, in the terms every front door maps to its own codes (gRPC status, HTTP
/// status, SMTP and IMAP replies).</summary>
public enum ErrorKind
{
    InvalidArgument,
    NotFound,
    AlreadyExists,
    FailedPrecondition,
    PermissionDenied,
    Unauthenticated,
    ResourceExhausted,
    Unavailable,
    Unimplemented,
}
