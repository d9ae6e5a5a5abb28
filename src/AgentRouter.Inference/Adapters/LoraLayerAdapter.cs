namespace AgentRouter.Inference.Adapters;

/// <summary>One decoder layer's LoRA updates; a projection the adapter does not target is null.</summary>
public sealed class LoraLayerAdapter
{
    private readonly Dictionary<LoraTargetModule, LoraProjection> _projections;

    public LoraLayerAdapter(int layerIndex, IReadOnlyDictionary<LoraTargetModule, LoraProjection> projections)
    {
        ArgumentNullException.ThrowIfNull(projections);
        LayerIndex = layerIndex;
        _projections = new Dictionary<LoraTargetModule, LoraProjection>(projections);
    }

    public int LayerIndex { get; }

    public IReadOnlyDictionary<LoraTargetModule, LoraProjection> Projections => _projections;

    public LoraProjection? Query => Get(LoraTargetModule.QueryProjection);

    public LoraProjection? Key => Get(LoraTargetModule.KeyProjection);

    public LoraProjection? Value => Get(LoraTargetModule.ValueProjection);

    public LoraProjection? Output => Get(LoraTargetModule.OutputProjection);

    public LoraProjection? Get(LoraTargetModule module) => _projections.GetValueOrDefault(module);
}
