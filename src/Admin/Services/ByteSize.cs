namespace OpenMailserver.Admin.Services;

public static class ByteSize
{
    public static string Format(long bytes) =>
        bytes < 1024 ? $"{bytes} B" : bytes < 1 << 20 ? $"{bytes / 1024.0:0.#} KB" : bytes < 1 << 30 ? $"{bytes / 1048576.0:0.#} MB" : $"{bytes / 1073741824.0:0.##} GB";
}
