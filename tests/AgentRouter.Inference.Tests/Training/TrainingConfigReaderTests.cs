using AgentRouter.Inference.Training;

namespace AgentRouter.Inference.Tests.Training;

public sealed class TrainingConfigReaderTests
{
    private const string Model = """{"model_type":"mixtral","vocab_size":260,"hidden_size":64,"num_hidden_layers":2,"num_attention_heads":4,"num_key_value_heads":2,"intermediate_size":128,"num_local_experts":4,"num_experts_per_tok":2}""";

    private static string Config(string extra = "", string data = """{"train_items":1000}""", string optimizer = "{}") => $$"""
        {
          "name": "tiny",
          "seed": 7,
          "model": {{Model}},
          "data": {{data}},
          "optimizer": {{optimizer}},
          "steps": 100,
          "warmup_steps": 10,
          "batch_size": 16,
          {{extra}}
          "output": "out/tiny"
        }
        """;

    [Fact]
    public void ReadsAFullConfigWithDefaults()
    {
        var config = TrainingConfigReader.Parse(Config(), "/configs/tiny.json");

        Assert.Equal("tiny", config.Name);
        Assert.Equal(7UL, config.Seed);
        Assert.Equal(100, config.Steps);
        Assert.Equal(10, config.WarmupSteps);
        Assert.Equal(16, config.BatchSize);
        Assert.Equal(TrainingLossTarget.Answer, config.Loss);
        Assert.Equal(0.01, config.AuxLossCoefficient);
        Assert.Equal(100, config.EvalEvery);
        Assert.Equal("/configs/out/tiny", config.OutputDirectory);
        Assert.Equal(1000, config.Data.TrainItems);
        Assert.Equal(5, config.Data.DomainWeights.Count);
        Assert.Equal([1, 2, 3], config.Data.Difficulties);
        Assert.Equal(3e-3, config.Optimizer.LearningRate);
        Assert.Equal(4, config.Model.NumExperts);
        Assert.Equal(2, config.Model.ExpertsPerToken);
        Assert.Contains("\"output\": \"out/tiny\"", config.SourceJson, StringComparison.Ordinal);
    }

    [Fact]
    public void ReadsTheAuxiliaryLearningSignals()
    {
        var config = TrainingConfigReader.Parse(
            Config("\"sequence_loss_weight\": 0.5,", data: """{"train_items":1000,"lookup_fraction":0.25}"""), "/c/x.json");

        Assert.Equal(0.5, config.SequenceLossWeight);
        Assert.Equal(0.25, config.Data.LookupFraction);
        Assert.Equal(0, TrainingConfigReader.Parse(Config(), "/c/x.json").SequenceLossWeight);
    }

    [Fact]
    public void DomainWeightsSelectTheSpecialisation()
    {
        var config = TrainingConfigReader.Parse(
            Config(data: """{"domain_weights":{"arithmetic":3,"counting":1,"strings":0},"difficulties":[1,2]}"""), "/c/x.json");

        Assert.Equal(new Dictionary<string, double> { ["arithmetic"] = 3, ["counting"] = 1 }, config.Data.DomainWeights);
        Assert.Equal([1, 2], config.Data.Difficulties);
    }

    [Theory]
    [InlineData("\"stepz\": 3,", "stepz", "unknown field")]
    [InlineData("\"loss\": \"tokens\",", "loss", "\"answer\" or \"sequence\"")]
    [InlineData("\"eval_every\": 0,", "eval_every", "≥ 1")]
    [InlineData("\"aux_loss_coefficient\": -1,", "aux_loss_coefficient", "[0, 10]")]
    [InlineData("\"sequence_loss_weight\": 11,", "sequence_loss_weight", "[0, 10]")]
    [InlineData("\"loss\": \"sequence\", \"sequence_loss_weight\": 1,", "sequence_loss_weight", "only applies to")]
    public void BadTopLevelFieldsAreNamed(string extra, string field, string problem)
    {
        var error = Assert.Throws<TrainingConfigException>(() => TrainingConfigReader.Parse(Config(extra), "tiny.json"));

        Assert.Equal(field, error.Field);
        Assert.Contains(problem, error.Problem, StringComparison.Ordinal);
        Assert.StartsWith($"tiny.json: field '{field}'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ANegativeSeedIsNamed()
    {
        var error = Assert.Throws<TrainingConfigException>(() => TrainingConfigReader.Parse(Config().Replace("\"seed\": 7", "\"seed\": -3", StringComparison.Ordinal), "tiny.json"));

        Assert.Equal("seed", error.Field);
        Assert.Contains("non-negative", error.Problem, StringComparison.Ordinal);
    }

    [Fact]
    public void AFieldGivenTwiceIsADocumentError()
    {
        // Before issue 16's fuzzing the last "seed" silently won; CheckedJson now refuses the same key twice.
        var error = Assert.Throws<TrainingConfigException>(() => TrainingConfigReader.Parse(Config("\"seed\": 3,"), "tiny.json"));

        Assert.Equal("(document)", error.Field);
        Assert.Contains("seed", error.Problem, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("""{"learning_rate":0}""", "optimizer.learning_rate")]
    [InlineData("""{"beta2":1}""", "optimizer.beta2")]
    [InlineData("""{"gradient_clip_norm":"1"}""", "optimizer.gradient_clip_norm")]
    [InlineData("""{"lr":0.1}""", "optimizer.lr")]
    public void BadOptimizerFieldsAreNamedWithTheirSection(string optimizer, string field)
    {
        var error = Assert.Throws<TrainingConfigException>(() => TrainingConfigReader.Parse(Config(optimizer: optimizer), "tiny.json"));

        Assert.Equal(field, error.Field);
    }

    [Theory]
    [InlineData("""{"domain_weights":{"poetry":1}}""", "data.domain_weights.poetry")]
    [InlineData("""{"domain_weights":{"arithmetic":0}}""", "data.domain_weights")]
    [InlineData("""{"domain_weights":{"arithmetic":-2}}""", "data.domain_weights.arithmetic")]
    [InlineData("""{"difficulties":[1,4]}""", "data.difficulties")]
    [InlineData("""{"difficulties":[]}""", "data.difficulties")]
    [InlineData("""{"train_items":0}""", "data.train_items")]
    [InlineData("""{"items":5}""", "data.items")]
    [InlineData("""{"lookup_fraction":1}""", "data.lookup_fraction")]
    [InlineData("[]", "data")]
    public void BadDataFieldsAreNamedWithTheirSection(string data, string field)
    {
        var error = Assert.Throws<TrainingConfigException>(() => TrainingConfigReader.Parse(Config(data: data), "tiny.json"));

        Assert.Equal(field, error.Field);
    }

    [Fact]
    public void WarmupLongerThanTrainingIsRejected()
    {
        var json = Config().Replace("\"warmup_steps\": 10", "\"warmup_steps\": 101", StringComparison.Ordinal);

        var error = Assert.Throws<TrainingConfigException>(() => TrainingConfigReader.Parse(json, "tiny.json"));
        Assert.Equal("warmup_steps", error.Field);
    }

    [Fact]
    public void MissingRequiredFieldsAndBrokenDocumentsAreReported()
    {
        Assert.Equal("output", Assert.Throws<TrainingConfigException>(
            () => TrainingConfigReader.Parse(Config().Replace("\"output\": \"out/tiny\"", "\"x\": 1", StringComparison.Ordinal), "t.json")).Field);
        Assert.Equal("model.model_type", Assert.Throws<TrainingConfigException>(
            () => TrainingConfigReader.Parse(Config().Replace(Model, "{\"hidden_size\":4}", StringComparison.Ordinal), "t.json")).Field);
        Assert.Equal("(document)", Assert.Throws<TrainingConfigException>(() => TrainingConfigReader.Parse("{\"name\":", "t.json")).Field);
        Assert.Equal("(document)", Assert.Throws<TrainingConfigException>(() => TrainingConfigReader.Load("/nonexistent/t.json")).Field);
    }

    [Theory]
    [InlineData("\"num_key_value_heads\":2", "\"num_key_value_heads\":3", "model.num_key_value_heads")]
    [InlineData("\"vocab_size\":260", "\"vocab_size\":100", "model.vocab_size")]
    [InlineData("\"model_type\":\"mixtral\"", "\"model_type\":\"gpt9\"", "model.model_type")]
    [InlineData("\"num_local_experts\":4", "\"num_local_experts\":4,\"max_position_embeddings\":64", "model.max_position_embeddings")]
    public void ImpossibleModelShapesAreRejectedBeforeAnyWork(string original, string replacement, string field)
    {
        var json = Config().Replace(original, replacement, StringComparison.Ordinal);

        var error = Assert.Throws<TrainingConfigException>(() => TrainingConfigReader.Parse(json, "tiny.json"));
        Assert.Equal(field, error.Field);
    }
}
