using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace AgentRouter.Core.Predictive;

/// <summary>A trained predictive router as a JSON file: what it was trained on (models, their mean cost per call,
/// the embedding model and dimension) and the predictor's parameters (floats as base64 little-endian float32).
/// A policy preset names it (<c>{"policy": "predictive", "parameters": {"routerFile": "…"}}</c>).</summary>
/// <param name="EmbeddingModel">The <see cref="Featurization.ITextEmbedder.ModelId"/> its features came from.</param>
/// <param name="TrainedOn">The training data's source and size, for the reader.</param>
/// <param name="WarmStart">Contextual arms fitted on the same training data (optional): a <c>contextual</c> preset
/// naming the file starts from them.</param>
public sealed record RouterFile(
    IOutcomePredictor Predictor, IReadOnlyList<string> Models, IReadOnlyList<double> MeanCost, string EmbeddingModel, string TrainedOn, int Seed,
    ContextualWarmStart? WarmStart = null)
{
    public const string FormatName = "agentrouter-router/1";

    public void Save(string path)
    {
        var json = new JsonObject
        {
            ["format"] = FormatName,
            ["kind"] = Predictor.Kind,
            ["label"] = Predictor.Label,
            ["embeddingModel"] = EmbeddingModel,
            ["dimension"] = Predictor.Dimension,
            ["trainedOn"] = TrainedOn,
            ["seed"] = Seed,
            ["models"] = new JsonArray(Models.Select(m => (JsonNode?)JsonValue.Create(m)).ToArray()),
            ["meanCost"] = new JsonArray(MeanCost.Select(c => (JsonNode?)JsonValue.Create(c)).ToArray()),
            ["predictor"] = Predictor.Save(),
        };
        if (WarmStart is not null)
        {
            json["contextualWarmStart"] = WarmStart.Save();
        }

        var directory = Path.GetDirectoryName(Path.GetFullPath(path));
        if (directory is not null)
        {
            Directory.CreateDirectory(directory);
        }

        File.WriteAllText(path, json.ToJsonString());
    }

    /// <exception cref="RouterFileException">The file is missing, not JSON, another format, or inconsistent; the message names the file and field.</exception>
    public static RouterFile Load(string path)
    {
        try
        {
            if (!File.Exists(path))
            {
                throw new RouterFileException("file not found");
            }

            var root = JsonNode.Parse(File.ReadAllText(path)) as JsonObject ?? throw new RouterFileException("not a JSON object");
            if (String(root, "format") != FormatName)
            {
                throw new RouterFileException($"field 'format' is '{root["format"]}', expected '{FormatName}'");
            }

            var models = Array(root, "models").Select(node => node?.GetValue<string>() ?? throw new RouterFileException("field 'models' has a null entry")).ToArray();
            var dimension = Int(root, "dimension");
            if (models.Length == 0 || dimension < 1)
            {
                throw new RouterFileException("needs at least one model and a positive dimension");
            }

            var state = root["predictor"] as JsonObject ?? throw new RouterFileException("field 'predictor' is missing");
            IOutcomePredictor predictor = String(root, "kind") switch
            {
                "knn" => KnnPredictor.Load(state, dimension, models.Length),
                "mlp" => MlpPredictor.Load(state, dimension, models.Length),
                "mf" => MatrixFactorizationPredictor.Load(state, dimension, models.Length),
                var other => throw new RouterFileException($"field 'kind' is '{other}'; known: knn, mlp, mf"),
            };
            var meanCost = Doubles(root, "meanCost", models.Length);
            var warmStart = root["contextualWarmStart"] switch
            {
                null => null,
                JsonObject warmState => ContextualWarmStart.Load(warmState, meanCost),
                _ => throw new RouterFileException("field 'contextualWarmStart' is not an object"),
            };
            return new RouterFile(predictor, models, meanCost, String(root, "embeddingModel"), String(root, "trainedOn"), Int(root, "seed"), warmStart);
        }
        catch (RouterFileException error)
        {
            throw new RouterFileException($"router file {path}: {error.Message}", error);
        }
        catch (Exception error) when (error is JsonException or FormatException or InvalidOperationException or IOException or UnauthorizedAccessException)
        {
            throw new RouterFileException($"router file {path}: {error.Message}", error);
        }
    }

    /// <summary>Maps the data's agents onto this router's models.</summary>
    /// <exception cref="RouterFileException">An agent of the data is not one of the models the router was trained on.</exception>
    public int[] ModelIndices(IEnumerable<string> agents, string dataSource)
    {
        var index = Models.Select((model, i) => (model, i)).ToDictionary(pair => pair.model, pair => pair.i, StringComparer.Ordinal);
        var missing = agents.Where(agent => !index.ContainsKey(agent)).ToArray();
        if (missing.Length > 0)
        {
            throw new RouterFileException(
                $"router '{Predictor.Label}' was trained on other models than {dataSource}'s: it does not know {string.Join(", ", missing)} (it knows {string.Join(", ", Models)})");
        }

        return agents.Select(agent => index[agent]).ToArray();
    }

    internal static string String(JsonObject node, string field) =>
        node[field] is JsonValue value && value.TryGetValue<string>(out var text) ? text : throw new RouterFileException($"field '{field}' is missing or not a string");

    internal static int Int(JsonObject node, string field) =>
        node[field] is JsonValue value && value.TryGetValue<int>(out var number) ? number : throw new RouterFileException($"field '{field}' is missing or not an integer");

    internal static JsonArray Array(JsonObject node, string field) =>
        node[field] as JsonArray ?? throw new RouterFileException($"field '{field}' is missing or not an array");

    internal static double[] Doubles(JsonObject node, string field, int expected)
    {
        var array = Array(node, field);
        if (array.Count != expected)
        {
            throw new RouterFileException($"field '{field}' has {array.Count} values, expected {expected}");
        }

        return array.Select((item, i) => item is JsonValue value && value.TryGetValue<double>(out var number) && double.IsFinite(number)
            ? number
            : throw new RouterFileException(string.Create(CultureInfo.InvariantCulture, $"field '{field}'[{i}] is not a finite number"))).ToArray();
    }

    internal static double[][] Rows(JsonObject node, string field, int rows, int columns)
    {
        var array = Array(node, field);
        if (array.Count != rows)
        {
            throw new RouterFileException($"field '{field}' has {array.Count} rows, expected {rows}");
        }

        return array.Select((row, r) => (row as JsonArray ?? throw new RouterFileException($"field '{field}'[{r}] is not an array"))
            .Select(item => item is JsonValue value && value.TryGetValue<double>(out var number) ? number : double.NaN).ToArray())
            .Select((row, r) => row.Length == columns ? row : throw new RouterFileException($"field '{field}'[{r}] has {row.Length} values, expected {columns}"))
            .ToArray();
    }
}
