// The conversations rendered for chat-template parity (≥ 30): plain turns, system prompts, multilingual and
// emoji text, white space at the edges, <think> blocks and reasoning_content, tool definitions, tool calls with
// object and string arguments, tool results, enable_thinking on and off, and inputs a template refuses.
const weather = {
  type: "function",
  function: {
    name: "get_weather",
    description: "Get the current weather in a city",
    parameters: { type: "object", properties: { city: { type: "string", description: "City name" }, unit: { type: "string", enum: ["celsius", "fahrenheit"] } }, required: ["city"] },
  },
};
const search = {
  type: "function",
  function: { name: "search", description: "Search the web — returns snippets", parameters: { type: "object", properties: { query: { type: "string" }, limit: { type: "integer", default: 5 } }, required: ["query"] } },
};
const user = (content) => ({ role: "user", content });
const assistant = (content) => ({ role: "assistant", content });
const system = (content) => ({ role: "system", content });
const callTool = (name, args, content = "") => ({ role: "assistant", content, tool_calls: [{ id: "call_1", type: "function", function: { name, arguments: args } }] });
const toolResult = (content) => ({ role: "tool", content });

export const conversations = [
  { name: "single-user", messages: [user("Hello!")] },
  { name: "user-assistant", messages: [user("What is 2+2?"), assistant("4")] },
  { name: "system-user", messages: [system("You are a helpful assistant."), user("Hi")] },
  { name: "system-user-assistant-user", messages: [system("Be brief."), user("Name a color."), assistant("Blue."), user("Another?")] },
  { name: "multi-turn", messages: [user("a"), assistant("b"), user("c"), assistant("d"), user("e"), assistant("f"), user("g")] },
  { name: "chinese", messages: [system("你是一个乐于助人的助手。"), user("请介绍一下北京。"), assistant("北京是中国的首都。")] },
  { name: "emoji-zwj", messages: [user("Family: 👨‍👩‍👧‍👦 flag 🏳️‍🌈 skin 👍🏽"), assistant("Nice emoji! 🎉")] },
  { name: "astral-and-marks", messages: [user("𝐀𝐁𝐂 e\u0301 한국어 \u1100\u1161"), assistant("ok")] },
  { name: "edge-whitespace", messages: [user("  padded with spaces  "), assistant("\n\nleading newlines\n"), user("\ttab\t")] },
  { name: "crlf-and-newlines", messages: [user("line1\r\nline2\r\n\r\nline3"), assistant("a\n\n\nb")] },
  { name: "empty-contents", messages: [system(""), user(""), assistant("")] },
  { name: "quotes-and-braces", messages: [user("He said \"hi\" and {{ not jinja }} {% nor this %} {# or this #}"), assistant("'single' \\backslash\\")] },
  { name: "special-tokens-in-content", messages: [user("<|im_start|>fake<|im_end|> <|eot_id|> <｜User｜>"), assistant("<s>[INST]</s>")] },
  { name: "think-in-history", messages: [user("Why?"), assistant("<think>\nLet me think.\n</think>\n\nBecause."), user("And then?")] },
  { name: "think-last-assistant", messages: [user("Why?"), assistant("<think>\nreasoning here\n</think>\n\nAnswer.")] },
  { name: "reasoning-content-field", messages: [user("Q1"), { role: "assistant", content: "A1", reasoning_content: "R1" }, user("Q2"), { role: "assistant", content: "A2", reasoning_content: "\nR2\n" }] },
  { name: "think-without-open-tag", messages: [user("x"), assistant("only closing</think>\n\nrest")] },
  { name: "enable-thinking-false", messages: [user("Quick answer please")], variables: { enable_thinking: false } },
  { name: "enable-thinking-true", messages: [user("Think hard")], variables: { enable_thinking: true } },
  { name: "enable-thinking-false-history", messages: [system("sys"), user("a"), assistant("b"), user("c")], variables: { enable_thinking: false } },
  { name: "tools-defined", messages: [user("What's the weather in Paris?")], tools: [weather] },
  { name: "tools-with-system", messages: [system("You can call tools."), user("Search for jinja")], tools: [weather, search] },
  { name: "tool-call-object-arguments", messages: [user("Weather in Paris?"), callTool("get_weather", { city: "Paris", unit: "celsius" }), toolResult("{\"temperature\": 18}"), assistant("It is 18°C in Paris.")], tools: [weather] },
  { name: "tool-call-string-arguments", messages: [user("Search jinja"), callTool("search", "{\"query\": \"jinja\"}", "Let me search."), toolResult("Jinja is a template engine.")], tools: [search] },
  { name: "parallel-tool-calls", messages: [user("Paris and Rome?"), { role: "assistant", content: "", tool_calls: [{ type: "function", function: { name: "get_weather", arguments: { city: "Paris" } } }, { type: "function", function: { name: "get_weather", arguments: { city: "Rome" } } }] }, toolResult("18"), toolResult("24"), user("Thanks")], tools: [weather] },
  { name: "tool-response-as-user-turn", messages: [user("<tool_response>\nresult\n</tool_response>"), user("real question")] },
  { name: "numbers-and-unicode-args", messages: [user("Compute"), callTool("search", { query: "π ≈ 3.14159", limit: 3, exact: true, tags: ["math", "ünïcödé"], nested: { a: null, b: [1, 2.5] } })], tools: [search] },
  { name: "system-twice", messages: [system("First system."), user("hi"), system("Second system."), user("again")] },
  { name: "long-conversation", messages: Array.from({ length: 24 }, (_, index) => (index % 2 === 0 ? user(`Question number ${index / 2 + 1}: ${"why ".repeat(index + 1)}?`) : assistant(`Answer ${index}: ${"because ".repeat(index)}.`))) },
  { name: "assistant-first", messages: [assistant("I start."), user("ok")] },
  { name: "only-system", messages: [system("Just a system prompt.")] },
  { name: "code-content", messages: [user("```python\ndef f(x):\n    return {'a': [x]}\n```"), assistant("```js\nconst y = `${x}`;\n```")] },
  { name: "deepseek-null-content-tool-call", messages: [user("Weather?"), { role: "assistant", content: null, tool_calls: [{ type: "function", function: { name: "get_weather", arguments: "{\"city\": \"Oslo\"}" } }] }, toolResult("-3"), assistant("It is -3 in Oslo.")], tools: [weather] },
  { name: "trailing-user-after-tools", messages: [user("a"), callTool("get_weather", { city: "Lima" }), toolResult("20"), toolResult("extra"), user("b")], tools: [weather] },
  { name: "mixed-scripts-long", messages: [system("Multilingual: English, Русский, العربية, हिन्दी, 日本語, ไทย."), user("Ελληνικά και Türkçe; ¿Qué tal? ça va?"), assistant("Все хорошо 👍")] },
];
