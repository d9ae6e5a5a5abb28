using System.Runtime.Serialization;
using System.Text.Json;
using Akka.Actor;
using Akka.Serialization;

namespace AgentRouter.Cluster.Serialization;

/// <summary>The serializer of every message that may cross nodes: System.Text.Json with a short, stable string
/// manifest per type (<see cref="ClusterMessages"/>), so a node never falls back to the catch-all serializer
/// and a renamed CLR type does not change the wire format.</summary>
public sealed class ClusterMessageSerializer : SerializerWithStringManifest
{
    /// <summary>Akka reserves identifiers up to 100 for its own serializers.</summary>
    public const int SerializerIdentifier = 4217;

    private readonly JsonSerializerOptions _options;

    public ClusterMessageSerializer(ExtendedActorSystem system)
        : base(system)
    {
        _options = ClusterJson.CreateOptions(system);
    }

    public override int Identifier => SerializerIdentifier;

    public override string Manifest(object o) =>
        ClusterMessages.ManifestOf(o.GetType())
        ?? throw new ArgumentException($"{o.GetType().FullName} is not a cluster message (add it to ClusterMessages).", nameof(o));

    public override byte[] ToBinary(object obj) => JsonSerializer.SerializeToUtf8Bytes(obj, obj.GetType(), _options);

    public override object FromBinary(byte[] bytes, string manifest)
    {
        var type = ClusterMessages.TypeOf(manifest)
            ?? throw new SerializationException($"Unknown cluster message manifest '{manifest}': the sending node runs a different protocol version.");
        return JsonSerializer.Deserialize(bytes, type, _options)
            ?? throw new SerializationException($"Cluster message '{manifest}' deserialized to null.");
    }
}
