using System.Collections.Immutable;
using Akka.Serialization;

namespace AgentRouter.Cluster.Serialization;

public static class ClusterSerialization
{
    /// <summary>Binds <see cref="ClusterMessageSerializer"/> to every type of <see cref="ClusterMessages"/>.</summary>
    public static SerializationSetup Setup() =>
        SerializationSetup.Create(system => ImmutableHashSet.Create(
            SerializerDetails.Create("agentrouter-cluster", new ClusterMessageSerializer(system), [.. ClusterMessages.Types])));
}
