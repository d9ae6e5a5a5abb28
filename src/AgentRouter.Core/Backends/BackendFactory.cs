using AgentRouter.Core.Agents;

namespace AgentRouter.Core.Backends;

/// <summary>Builds the backend of one agent manifest of one backend kind (its <c>settings</c> read and checked),
/// adding schema errors that name the manifest file and field to <paramref name="errors"/>; returns null when the
/// settings are invalid. Registered per kind on the composition root (<c>AgentRouterBuilder.AddBackend</c>).</summary>
public delegate IModelBackend? BackendFactory(AgentManifest manifest, List<ManifestError> errors);
