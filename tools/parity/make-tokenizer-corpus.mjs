// Writes the tokenizer parity corpus (tests/AgentRouter.Inference.Tests/Tokenization/Parity/corpus.json):
// hand-picked strings per category plus seeded random mixtures, deterministic for a given script.
// Only characters assigned by Unicode 14 are used, so .NET, Python and node agree on their categories.
//   node tools/parity/make-tokenizer-corpus.mjs
import { writeFileSync, mkdirSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
const output = join(root, "tests/AgentRouter.Inference.Tests/Tokenization/Parity/corpus.json");

let seed = 20261204;
const random = () => ((seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0) / 4294967296);
const pick = (items) => items[Math.floor(random() * items.length)];
const cp = (...points) => String.fromCodePoint(...points);

const ascii = [
  "Hello, world!", "The quick brown fox jumps over the lazy dog.", "I'm sure you'll see they've done it; we'd go.",
  "DON'T SHOUT! I'M HERE. IT'S FINE, WE'LL SEE.", "don'T mix'S cases'Ll", "'s 't 're 've 'm 'll 'd", "''''",
  "a", " a", "  a", "a ", "A", "!", "?!?!", "...", "--", "e.g. i.e. etc.", "Mr. Smith's car isn't here.",
  "What is 2+2? Answer: 4.", "$100.00 (USD) & 50% off #deal @user ~tilde `tick`", "foo_bar-baz.qux/quux\\corge",
  "CamelCaseIdentifierWithManyWords", "snake_case_identifier_with_words", "UPPER lower MiXeD", "http://example.com/path?q=1&r=2#frag",
  "user@example.org", "1234567890", "3.14159265358979", "1,000,000.00", "-42", "+7 (495) 123-45-67", "2026-12-04T15:30:00Z",
  "v1.2.3-beta.4+build.5", "0x1F600 0b1010 0o777", "1e-9 6.02e23", "x=1;y=2;z=x+y", "a,b,c\n1,2,3\n",
  "The year 1999 and 2000 and 12345 and 123456789.", "Route 66, Highway 101, Area 51.", "10:30am - 4:45pm",
];
const cjk = [
  "你好，世界！", "我爱自然语言处理。", "今天天气很好，我们去公园散步吧。", "中文标点符号：“引号”、《书名号》……",
  "日本語のテキストです。ひらがなとカタカナ、そして漢字。", "東京は日本の首都です。", "カタカナ・ヒラガナ", "ｆｕｌｌｗｉｄｔｈ　ＡＢＣ１２３",
  "混合English和中文text", "第1章 第２章 第三章", "繁體中文測試：臺灣、香港。", "漢字かな交じり文",
  "𠀀𠀁𠀂 𪚥 𩸽", "一二三四五六七八九十百千万亿",
];
const korean = [
  "안녕하세요, 세계!", "한국어 텍스트 토크나이저 테스트입니다.", "대한민국의 수도는 서울입니다.",
  cp(0x1100, 0x1161, 0x11a8) + " (decomposed jamo)", cp(0x1112, 0x1161, 0x11ab, 0x1100, 0x1173, 0x11af), "ㄱㄴㄷㄹㅁㅂㅅ ㅏㅑㅓㅕ",
  "한글 Hangul 混合 mixed", "읽기 쓰기 말하기 듣기",
];
const emoji = [
  "👍", "👍🏽", "👨‍👩‍👧‍👦", "🧑🏿‍💻", "👩‍❤️‍💋‍👨", "🏳️‍🌈", "🏴‍☠️", "🇯🇵🇺🇸🇫🇷", "1️⃣2️⃣#️⃣", "❤️", "☺️",
  "🏴" + cp(0xe0067, 0xe0062, 0xe0065, 0xe006e, 0xe0067, 0xe007f), "Great job! 🎉🎉🎉", "🙂🙃😉😊", "😀 😃 😄 😁 😆",
  "emoji🚀inside✨words", "🐶🐱🐭🐹🐰🦊🐻", "👋🏻👋🏼👋🏽👋🏾👋🏿", "🤷‍♀️🤷‍♂️", "🧟‍♀️ zombies",
];
const astral = [
  "𝐀𝐁𝐂 𝐚𝐛𝐜", "𝑨𝒃𝑪", "𝔸𝔹ℂ 𝕒𝕓𝕔", "𝟎𝟏𝟐𝟑 𝟘𝟙𝟚", "𐌰𐌱𐌲 (Gothic)", "𐐀𐐨 Deseret", "𒀀𒀁 cuneiform",
  "𝄞 music", "𓀀𓀁 hieroglyphs", "a𝐀b", "x𝟏y", "'𝐬 '𝐒", "𝐇𝐞𝐥𝐥𝐨 𝐖𝐨𝐫𝐥𝐝", "𐤀𐤁 Phoenician", "𞤀𞤢 Adlam",
  "𖹀𖹠 Medefaidrin", "🄰🄱 squared", "𝓗𝓮𝓵𝓵𝓸", "𐒀𐒁 Osmanya", "𑀅𑀆 Brahmi",
];
const combining = [
  "e" + cp(0x301), "e" + cp(0x301) + cp(0x302) + cp(0x323), "caf" + cp(0x65, 0x301), "café vs cafe" + cp(0x301),
  "Z" + cp(0x36b, 0x343, 0x35a, 0x300, 0x301) + "a" + cp(0x33e, 0x316) + "l" + cp(0x34a, 0x353) + "g" + cp(0x30c, 0x31d) + "o" + cp(0x33f),
  "Å vs A" + cp(0x30a) + " vs " + cp(0x212b), "ñ n" + cp(0x303), "हिन्दी भाषा", "नमस्ते दुनिया", "العربية لغة جميلة",
  "עִבְרִית", "ภาษาไทย สวัสดี", "Ελληνικά γλώσσα", "Русский язык, привет!", "Ω ohm " + cp(0x2126), "ﬁ ligature ﬂ",
  "가", "a" + cp(0x20dd), "x" + cp(0x302, 0x303, 0x304, 0x305), cp(0x301) + "leading mark", "ǅ titlecase ǈ",
  "Tiếng Việt có dấu", "Ắ ắ Ặ ặ", "Ο Θεός", "ü u" + cp(0x308),
];
const code = [
  "def add(a, b):\n    return a + b\n", "for (int i = 0; i < n; i++) {\n\tsum += a[i];\n}",
  "const x = () => { return `template ${value}`; };", "SELECT * FROM users WHERE id = 42;",
  "<div class=\"x\"><p>Hi</p></div>", "{\"key\": [1, 2, 3], \"nested\": {\"a\": null}}", "#!/usr/bin/env bash\nset -euo pipefail\necho \"$HOME\"",
  "if x == 1:\n\tprint('tab')\n    print('spaces')", "public sealed record Point(int X, int Y);", "fn main() {\n    println!(\"hi\");\n}",
  "^\\s*(?:[a-z]+)\\d{2,3}$", "a && b || !c", "x += 1; y -= 2; z *= 3; w /= 4;", "// comment\n/* block */\n# hash",
  "import numpy as np\narr = np.zeros((3, 4))", "git commit -m \"fix: don't crash\"", "    indented four\n        indented eight",
  "\t\ttab indented\n\t\t\tthree tabs", "<|fim_prefix|>def f():<|fim_suffix|>\n<|fim_middle|>", "matrix[i][j] = i * j",
  "```python\nprint(1)\n```", "$ ls -la /tmp\ntotal 0", "a = {'k': \"v\"}", "x<y>z", "std::vector<int> v{1,2,3};",
];
const whitespace = [
  " ", "  ", "   ", "    ", "\t", "\t\t", "\n", "\n\n", "\n\n\n", "\r\n", "\r\n\r\n", "\r", " \n", "\n ", " \t \n ",
  "a  b", "a   b", "a\tb", "a\t\tb", "a\nb", "a\n\nb", "a\r\nb", "a \r\n b", "line1\r\nline2\r\nline3\r\n",
  "trailing spaces   ", "   leading spaces", "  both  ", "\t\ttabs\t\t", "mixed \t\n\r\n whitespace",
  "a\u00a0b", "a\u3000b", "a\u2028b", "a\u2029b", "a\u0085b", "a\ufeffb", "\ufeffBOM at start", "a\u200bb zero width",
  "a\u2003b em space", "a\u202fb", "x\u000by", "x\u000cy", "\n\n\n\n\n\n\n\n", "                ", "\t \t \t", "end\n",
  "word \n word", "word  \n\n  word", "a\u00a0\u00a0b",
];
const specials = [
  "<|im_start|>user\nHello<|im_end|>\n<|im_start|>assistant\n", "<|endoftext|>", "text<|endoftext|>more", "<|im_end|><|im_end|>",
  "<|begin_of_text|><|start_header_id|>user<|end_header_id|>\n\nHi<|eot_id|>", "<|eot_id|>", "<|reserved_special_token_5|>",
  "<｜begin▁of▁sentence｜>Hello<｜end▁of▁sentence｜>", "<｜User｜>hi<｜Assistant｜>", "<|start|>assistant<|channel|>final<|message|>Hi<|end|>",
  "<|return|>", "<|startoftext|>", "<think>\nreasoning\n</think>\n\nanswer", "<tool_call>\n{\"name\": \"f\"}\n</tool_call>",
  "<|im_sta", "<|im_start", "<|im_start|", "<<|im_start|>>", " <|im_start|> ", "a<|im_end|>b", "<|box_start|>(1,2)<|box_end|>",
  "<|vision_pad|><|image_pad|>", "<|fim_pad|>", "<|endoftext|> <|endoftext|>", "\n<|im_end|>\n", "<|constrain|>json",
  "<|call|>", "<|end_of_text|>", "<tool_response>ok</tool_response>", "<|python_tag|>", "<｜tool▁calls▁begin｜>",
];
const numbers = [
  "0", "00", "000", "0000", "12", "123", "1234", "12345", "123456", "1234567", "3.0", "0.001", "1/2", "½ ¾ ⅓",
  "٠١٢٣٤٥٦٧٨٩", "१२३", "①②③", "Ⅰ Ⅱ Ⅲ Ⅻ", "²³¹", "99 bottles", "x2y3z4",
];

// Seeded mixtures over all the categories above, at several lengths.
const alphabet = [
  ..."abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789",
  ..." \t\n\r.,;:!?'\"()[]{}<>-_=+*/\\|@#$%^&~`",
  ..."你好世界日本語ひらがなカタカナ한국어안녕", "é", "ß", "ø", "ł", "ñ", cp(0x301), cp(0x308), cp(0x20dd),
  "👍", "🏽", "\u200d", "❤", "\ufe0f", "🇯", "🇵", "🚀", "𝐀", "𝐚", "𝟏", "𐌰", "𐐀", "𠀀", "\u00a0", "\u3000", "\u2028", "\u0085", "\ufeff",
  "<|im_end|>", "<|endoftext|>", "<|eot_id|>", "<think>", "'s", "'LL", "  ", "\r\n", "\t\t", "123", "...",
];
const mixtures = [];
for (let index = 0; index < 300; index++) {
  const length = index < 150 ? 1 + Math.floor(random() * 12) : 10 + Math.floor(random() * 80);
  let text = "";
  for (let part = 0; part < length; part++) {
    text += pick(alphabet);
  }
  mixtures.push(text);
}

const paragraph = ascii.slice(0, 12).join(" ") + "\n" + cjk.slice(0, 4).join("") + "\n" + emoji.slice(0, 6).join(" ") + "\n";
const long = [
  paragraph.repeat(8), code.join("\n\n").repeat(3), "a".repeat(3000), "ab".repeat(1500), "1234567890".repeat(100),
  " ".repeat(2000), "\n".repeat(500), "\t \n".repeat(300), "你".repeat(1000), "😀".repeat(500), "𝐀".repeat(700),
  "word ".repeat(800), whitespace.join("|").repeat(10), specials.join(" ").repeat(5),
];

const categories = { ascii, cjk, korean, emoji, astral, combining, code, whitespace, specials, numbers, mixtures, long };
const entries = [];
for (const [category, texts] of Object.entries(categories)) {
  for (const text of texts) {
    entries.push({ category, text });
  }
}
if (entries.length < 500) {
  throw new Error(`corpus has ${entries.length} strings, fewer than 500`);
}
mkdirSync(dirname(output), { recursive: true });
writeFileSync(output, JSON.stringify({ generator: "tools/parity/make-tokenizer-corpus.mjs", entries }, null, 0) + "\n");
console.log(`${entries.length} strings -> ${output}`);
