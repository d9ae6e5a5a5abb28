// The OpenAI-compatible AgentRouter server as an ASP.NET Core app of your own: the server's WebApplication with
// two built-in simulated agents, plus an endpoint of the application's. Run it, then:
//   curl -sS http://127.0.0.1:8080/v1/models
//   curl -sS http://127.0.0.1:8080/hello
using AgentRouter.Server.Hosting;

var options = new ServerOptions { BuiltInAgents = true };
options.Urls.Clear();
options.Urls.Add(args.FirstOrDefault() ?? ServerOptions.DefaultUrl);

var app = AgentRouterServer.Build(options);
app.MapGet("/hello", () => "an application endpoint beside /v1/chat/completions");
await app.RunAsync();
