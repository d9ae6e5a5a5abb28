using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;
using Akka.Actor;
using AgentRouter.Actors.Protocol;

namespace AgentRouter.Cluster.Serialization;

/// <summary>JSON settings shared by the cluster serializer and the Redis event formats.</summary>
public static class ClusterJson
{
    /// <summary>Options for payloads without actor references (Redis stream entries, snapshots).</summary>
    public static readonly JsonSerializerOptions Plain = CreateOptions(null);

    /// <summary>Options for actor messages; <paramref name="system"/> resolves actor references, null refuses them.</summary>
    public static JsonSerializerOptions CreateOptions(ExtendedActorSystem? system)
    {
        var options = new JsonSerializerOptions(JsonSerializerDefaults.Web)
        {
            NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
            TypeInfoResolver = new DefaultJsonTypeInfoResolver { Modifiers = { AddFeedbackSignalTypes } },
        };
        options.Converters.Add(new JsonStringEnumConverter());
        if (system is not null)
        {
            options.Converters.Add(new ActorRefJsonConverter(system));
        }

        options.MakeReadOnly();
        return options;
    }

    /// <summary>Feedback signals are an open hierarchy in the actor layer; the wire names its members here.</summary>
    private static void AddFeedbackSignalTypes(JsonTypeInfo info)
    {
        if (info.Type != typeof(FeedbackSignal))
        {
            return;
        }

        info.PolymorphismOptions = new JsonPolymorphismOptions
        {
            TypeDiscriminatorPropertyName = "kind",
            UnknownDerivedTypeHandling = JsonUnknownDerivedTypeHandling.FailSerialization,
            DerivedTypes =
            {
                new JsonDerivedType(typeof(FeedbackSignal.CorrectChoice), "correct-choice"),
                new JsonDerivedType(typeof(FeedbackSignal.AnswerReward), "answer-reward"),
                new JsonDerivedType(typeof(FeedbackSignal.AnswerCorrectness), "answer-correctness"),
                new JsonDerivedType(typeof(FeedbackSignal.PerAgentRewards), "per-agent-rewards"),
            },
        };
    }
}
