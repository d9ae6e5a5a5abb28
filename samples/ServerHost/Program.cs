// The OpenAI-compatible server hosted in your own ASP.NET Core app: AgentRouterServer.Build gives a WebApplication
// with /v1/chat/completions, /v1/models, /v1/feedback, /metrics, /healthz and /dashboard mapped; add your own
// endpoints to it before running. With no agents folder it serves the simulated agents the package ships.
using AgentRouter.Server.Hosting;

var options = new ServerOptions();
options.Urls.Clear();
options.Urls.Add(args.Length > 0 ? args[0] : "http://127.0.0.1:5080");

var app = AgentRouterServer.Build(options);
app.MapGet("/hello", () => "AgentRouter hosted in my ASP.NET Core app");
await app.RunAsync();
