using Google.Protobuf.WellKnownTypes;
using OpenMailserver.V1;

namespace OpenMailserver.Admin.Services;

/// <summary>Reads the free-form details of a <see cref="Report"/> (health, deliverability, trace, logs).</summary>
public static class ReportReader
{
    /// <summary>The <c>checks</c> list of a health or deliverability report.</summary>
    public static IReadOnlyList<Check> Checks(Report report) =>
        List(report, "checks").Select(v => new Check(Text(v, "name"), Text(v, "status"), Text(v, "details"))).ToList();

    /// <summary>The values of a top-level list in the details; empty when absent.</summary>
    public static IReadOnlyList<Value> List(Report report, string field) =>
        report.Details?.Fields.TryGetValue(field, out var value) == true && value.KindCase == Value.KindOneofCase.ListValue
            ? value.ListValue.Values
            : [];

    /// <summary>A field of an object value as text: strings as they are, anything else as JSON.</summary>
    public static string Text(Value value, string field)
    {
        if (value.KindCase != Value.KindOneofCase.StructValue || !value.StructValue.Fields.TryGetValue(field, out var inner)) return "";
        return inner.KindCase switch
        {
            Value.KindOneofCase.StringValue => inner.StringValue,
            Value.KindOneofCase.NullValue => "",
            Value.KindOneofCase.NumberValue => inner.NumberValue.ToString(System.Globalization.CultureInfo.InvariantCulture),
            _ => Google.Protobuf.JsonFormatter.Default.Format(inner),
        };
    }

    /// <summary>The fields of an object inside an object value, each as text.</summary>
    public static IReadOnlyList<(string Name, string Value)> Fields(Value value, string field) =>
        value.KindCase == Value.KindOneofCase.StructValue && value.StructValue.Fields.TryGetValue(field, out var inner) && inner.KindCase == Value.KindOneofCase.StructValue
            ? inner.StructValue.Fields.Select(f => (f.Key, Text(inner, f.Key))).ToList()
            : [];

    public sealed record Check(string Name, string Status, string Details);
}
