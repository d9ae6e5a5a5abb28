using System.Diagnostics;
using AgentRouter.Actors.Runtime;
using AgentRouter.Cluster.Discovery;
using AgentRouter.Cluster.Hosting;
using AgentRouter.Core.Agents;
using AgentRouter.Server.Security;
using YamlDotNet.RepresentationModel;

namespace AgentRouter.Cluster.Tests;

/// <summary>No container engine runs here, so the deployments are checked by parsing them: images, ports,
/// environment, seeds and mounted manifests must agree with each other and with the node configuration.</summary>
public sealed class DeploymentConfigTests
{
    private static readonly string Root = RepositoryRoot();
    private static readonly string Deploy = Path.Combine(Root, "deploy");

    [Fact]
    public void Compose_nodes_agree_on_image_port_seeds_redis_and_agents()
    {
        var services = (YamlMappingNode)Load(Path.Combine(Deploy, "docker-compose.yml"))["services"];
        var nodes = services.Children.Where(s => ((YamlMappingNode)s.Value)["image"].ToString().StartsWith("agentrouter", StringComparison.Ordinal)).ToDictionary(s => s.Key.ToString(), s => (YamlMappingNode)s.Value);
        Assert.Equal(["models-a", "models-b", "router"], nodes.Keys.Order());
        var envs = nodes.ToDictionary(n => n.Key, n => Env(n.Value));
        Assert.All(nodes.Values, n => Assert.Equal(DockerfileImage, n["image"].ToString()));

        var seedLists = envs.Values.Select(e => e[NodeEnvironment.Seeds]).Distinct().ToList();
        Assert.Single(seedLists);
        var seeds = seedLists[0].Split(',');
        Assert.Equal("router", seeds[0].Split(':')[0]); // the first seed forms the cluster: the router node
        foreach (var seed in seeds)
        {
            var (host, port) = (seed.Split(':')[0], seed.Split(':')[1]);
            Assert.True(envs.ContainsKey(host), $"seed {seed} is not a compose service");
            Assert.Equal(port, envs[host][NodeEnvironment.Port]);
        }

        var agentNames = new List<string>();
        foreach (var (name, env) in envs)
        {
            Assert.All(env.Keys, key => Assert.Contains(key, NodeEnvironment.All));
            Assert.Equal(name, env[NodeEnvironment.PublicHost]);
            Assert.Equal(NodeEnvironment.DefaultPort.ToString(System.Globalization.CultureInfo.InvariantCulture), env[NodeEnvironment.Port]);
            AssertValidNode(env, seeds);
            if (env[NodeEnvironment.Roles].Contains("models", StringComparison.Ordinal))
            {
                var mount = ((YamlSequenceNode)nodes[name]["volumes"]).Children.Select(v => v.ToString()).Single(v => v.Split(':')[1] == env[NodeEnvironment.Agents]);
                agentNames.AddRange(LoadAgents(Path.Combine(Deploy, mount.Split(':')[0])));
            }

            if (env.TryGetValue(NodeEnvironment.Redis, out var redis))
            {
                var redisService = (YamlMappingNode)services[redis.Split(':')[0]];
                Assert.StartsWith("redis:", redisService["image"].ToString(), StringComparison.Ordinal);
                Assert.Equal("6379", redis.Split(':')[1]);
            }

            if (env.TryGetValue(NodeEnvironment.PolicyPreset, out var preset))
            {
                Assert.True(File.Exists(Path.Combine(Root, "policies", preset + ".json")), $"policy preset {preset} is not in policies/");
            }
        }

        Assert.Equal(agentNames.Count, agentNames.Distinct().Count()); // agent names are cluster-wide
        Assert.Equal(4, agentNames.Count);

        var httpNodes = envs.Where(e => e.Value.ContainsKey(NodeEnvironment.HttpUrls)).Select(e => e.Key).ToList();
        Assert.Equal(["router"], httpNodes);
        var published = ((YamlSequenceNode)nodes["router"]["ports"]).Children.Select(p => p.ToString()).Single();
        AssertHttpServer(envs["router"], containerPort: published.Split(':')[^1], hasApiKeys: envs["router"].ContainsKey(NodeEnvironment.ApiKeys));
    }

    [Fact]
    public void Kubernetes_statefulsets_headless_services_seeds_and_configmaps_agree()
    {
        var documents = Directory.GetFiles(Path.Combine(Deploy, "k8s"), "*.yaml").SelectMany(LoadAll).ToList();
        YamlMappingNode[] Kind(string kind) => [.. documents.Where(d => d["kind"].ToString() == kind)];
        string Name(YamlMappingNode d) => ((YamlMappingNode)d["metadata"])["name"].ToString();
        var services = Kind("Service").ToDictionary(Name);
        var configMaps = Kind("ConfigMap").ToDictionary(Name);
        var statefulSets = Kind("StatefulSet").ToDictionary(Name);
        Assert.Equal(["agentrouter-models-a", "agentrouter-models-b", "agentrouter-router"], statefulSets.Keys.Order());

        var agentNames = new List<string>();
        var httpSets = 0;
        foreach (var (name, set) in statefulSets)
        {
            var spec = (YamlMappingNode)set["spec"];
            var service = services[spec["serviceName"].ToString()];
            var serviceSpec = (YamlMappingNode)service["spec"];
            Assert.Equal("None", serviceSpec["clusterIP"].ToString());
            var podTemplate = (YamlMappingNode)spec["template"];
            var labels = (YamlMappingNode)((YamlMappingNode)podTemplate["metadata"])["labels"];
            foreach (var (key, value) in ((YamlMappingNode)serviceSpec["selector"]).Children)
            {
                Assert.Equal(value.ToString(), labels[key].ToString());
            }

            var podSpec = (YamlMappingNode)podTemplate["spec"];
            var container = (YamlMappingNode)((YamlSequenceNode)podSpec["containers"]).Children.Single();
            Assert.Equal(DockerfileImage, container["image"].ToString());
            var env = ((YamlSequenceNode)container["env"]).Children.Cast<YamlMappingNode>()
                .Where(e => e.Children.ContainsKey("value")).ToDictionary(e => e["name"].ToString(), e => e["value"].ToString());
            var containerPorts = ((YamlSequenceNode)container["ports"]).Children.Cast<YamlMappingNode>().ToDictionary(p => p["name"].ToString(), p => p["containerPort"].ToString());
            var port = containerPorts["remoting"];
            Assert.Equal(port, env[NodeEnvironment.Port]);
            Assert.Equal(port, ((YamlMappingNode)((YamlSequenceNode)serviceSpec["ports"]).Children.Single())["port"].ToString());
            Assert.Equal($"$(POD_NAME).{spec["serviceName"]}", env[NodeEnvironment.PublicHost]);
            Assert.All(env.Keys.Where(k => k.StartsWith("AGENTROUTER_", StringComparison.Ordinal)), key => Assert.Contains(key, NodeEnvironment.All));

            var seeds = env[NodeEnvironment.Seeds].Split(',');
            foreach (var seed in seeds)
            {
                // pod-0.service:port: the first pod of a StatefulSet governed by that headless service.
                var (pod, serviceName, seedPort) = (seed.Split('.')[0], seed.Split('.')[1].Split(':')[0], seed.Split(':')[1]);
                var target = statefulSets[pod[..pod.LastIndexOf('-')]];
                Assert.Equal(serviceName, ((YamlMappingNode)target["spec"])["serviceName"].ToString());
                Assert.Equal(port, seedPort);
            }

            AssertValidNode(env, [.. seeds.Select(s => s.Replace("$(POD_NAME)", "pod", StringComparison.Ordinal))]);
            if (env.TryGetValue(NodeEnvironment.HttpUrls, out _))
            {
                var keysFromSecret = ((YamlSequenceNode)container["env"]).Children.Cast<YamlMappingNode>()
                    .Any(e => e["name"].ToString() == NodeEnvironment.ApiKeys && ((YamlMappingNode)e["valueFrom"]).Children.ContainsKey("secretKeyRef"));
                AssertHttpServer(env, containerPorts["http"], keysFromSecret);
                var probe = (YamlMappingNode)((YamlMappingNode)container["readinessProbe"])["httpGet"];
                Assert.Equal(("/readyz", "http"), (probe["path"].ToString(), probe["port"].ToString()));
                var apiService = services.Values.Select(v => (YamlMappingNode)v["spec"]).Single(v =>
                    !v.Children.ContainsKey("clusterIP") && ((YamlMappingNode)v["selector"]).Children.All(l => labels[l.Key].ToString() == l.Value.ToString()));
                Assert.Equal("http", ((YamlMappingNode)((YamlSequenceNode)apiService["ports"]).Children.Single())["targetPort"].ToString());
            }
            else
            {
                Assert.False(containerPorts.ContainsKey("http"), $"{name} exposes an HTTP port but runs no HTTP server");
            }

            httpSets += env.ContainsKey(NodeEnvironment.HttpUrls) ? 1 : 0;
            if (env.TryGetValue(NodeEnvironment.Redis, out var redis))
            {
                var redisService = (YamlMappingNode)services[redis.Split(':')[0]]["spec"];
                Assert.Equal(redis.Split(':')[1], ((YamlMappingNode)((YamlSequenceNode)redisService["ports"]).Children.Single())["port"].ToString());
            }

            var mounts = container.Children.TryGetValue("volumeMounts", out var mountNode) ? ((YamlSequenceNode)mountNode).Children.Cast<YamlMappingNode>() : [];
            var volumes = podSpec.Children.TryGetValue("volumes", out var volumeNode)
                ? ((YamlSequenceNode)volumeNode).Children.Cast<YamlMappingNode>().ToDictionary(v => v["name"].ToString())
                : [];
            foreach (var mount in mounts)
            {
                var configMapName = ((YamlMappingNode)volumes[mount["name"].ToString()]["configMap"])["name"].ToString();
                Assert.True(configMaps.ContainsKey(configMapName), $"{name} mounts missing ConfigMap {configMapName}");
                if (mount["mountPath"].ToString() == env.GetValueOrDefault(NodeEnvironment.Agents))
                {
                    var data = (YamlMappingNode)configMaps[configMapName]["data"];
                    var manifests = data.Children.SelectMany(f => AgentManifestLoader.Parse(f.Value.ToString(), f.Key.ToString()).Manifests).ToList();
                    Assert.Equal(data.Children.Count, manifests.Count);
                    agentNames.AddRange(manifests.Select(m => m.Name));
                }
            }
        }

        Assert.Equal(4, agentNames.Distinct().Count());
        Assert.Equal(4, agentNames.Count);
        Assert.Equal(1, httpSets);
    }

    [Fact]
    public void The_committed_configmaps_match_the_agent_and_policy_files()
    {
        var regenerated = Path.GetTempFileName();
        try
        {
            var start = new ProcessStartInfo("bash", [Path.Combine(Deploy, "k8s", "generate-configmaps.sh"), regenerated]) { RedirectStandardError = true };
            using (var process = Process.Start(start)!)
            {
                var errors = process.StandardError.ReadToEnd();
                process.WaitForExit();
                Assert.True(process.ExitCode == 0, errors);
            }

            Assert.True(
                File.ReadAllText(Path.Combine(Deploy, "k8s", "configmaps.yaml")) == File.ReadAllText(regenerated),
                "deploy/k8s/configmaps.yaml is out of date: run deploy/k8s/generate-configmaps.sh");
        }
        finally
        {
            File.Delete(regenerated);
        }
    }

    private static string DockerfileImage => "agentrouter:latest";

    [Fact]
    public void The_Dockerfile_exposes_the_node_port_and_runs_the_node_command()
    {
        var dockerfile = File.ReadAllLines(Path.Combine(Deploy, "Dockerfile"));
        Assert.Contains($"EXPOSE {NodeEnvironment.DefaultPort}", dockerfile);
        Assert.Contains(dockerfile, l => l.Contains($"{NodeEnvironment.Port}={NodeEnvironment.DefaultPort}", StringComparison.Ordinal));
        Assert.Contains("CMD [\"node\"]", dockerfile);
        Assert.Contains($"EXPOSE {NodeEnvironment.DefaultHttpPort}", dockerfile);
    }

    /// <summary>The environment, read as the node command reads it, must give valid node options.</summary>
    private static void AssertValidNode(IReadOnlyDictionary<string, string> env, IReadOnlyList<string> seeds)
    {
        var roles = env[NodeEnvironment.Roles].Split(',');
        var options = new ClusterNodeOptions(roles, new AgentRouterOptions(), Port: int.Parse(env[NodeEnvironment.Port], System.Globalization.CultureInfo.InvariantCulture), Seeds: seeds);
        Assert.Empty(options.Validate());
        if (roles.Contains("models"))
        {
            Assert.True(env.ContainsKey(NodeEnvironment.Agents), "a models node needs AGENTROUTER_AGENTS");
        }
    }

    /// <summary>The router's HTTP server: on a router node, on the port the deployment exposes, and with API keys
    /// whenever it binds beyond loopback (the server refuses to start otherwise).</summary>
    private static void AssertHttpServer(IReadOnlyDictionary<string, string> env, string containerPort, bool hasApiKeys)
    {
        Assert.Contains(NodeRoles.Router, env[NodeEnvironment.Roles].Split(','));
        var url = Assert.Single(env[NodeEnvironment.HttpUrls].Split(','));
        Assert.Equal(NodeEnvironment.DefaultHttpPort, new Uri(url).Port);
        Assert.Equal(NodeEnvironment.DefaultHttpPort.ToString(System.Globalization.CultureInfo.InvariantCulture), containerPort);
        Assert.True(BindingGuard.IsLoopback(url) || hasApiKeys, $"{url} is beyond loopback and no AGENTROUTER_API_KEYS is configured");
    }

    private static List<string> LoadAgents(string directory)
    {
        var loaded = AgentManifestLoader.LoadDirectory(directory);
        Assert.Empty(loaded.Errors);
        return [.. loaded.Manifests.Select(m => m.Name)];
    }

    private static Dictionary<string, string> Env(YamlMappingNode service) =>
        ((YamlMappingNode)service["environment"]).Children.ToDictionary(e => e.Key.ToString(), e => e.Value.ToString());

    private static YamlMappingNode Load(string path) => LoadAll(path).Single();

    private static IEnumerable<YamlMappingNode> LoadAll(string path)
    {
        var stream = new YamlStream();
        using var reader = new StreamReader(path);
        stream.Load(reader);
        return stream.Documents.Select(d => d.RootNode).OfType<YamlMappingNode>();
    }

    private static string RepositoryRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "AgentRouter.sln")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException("AgentRouter.sln not found above the test binaries");
    }
}
