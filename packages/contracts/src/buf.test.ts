import { execFile } from "node:child_process";
import { existsSync } from "node:fs";
import { cp, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { afterEach, describe, expect, it } from "vitest";

// The wire contract is guarded by buf itself, run from node_modules like `npm run generate`
// does, so the tests check exactly what a developer's build checks (ARCHITECTURE.md,
// "Contracts and events": lint and breaking-against-the-last-release run in the tests).
const run = promisify(execFile);
const contractsDir = fileURLToPath(new URL("..", import.meta.url));
const releaseImage = path.join(contractsDir, "releases", "v1.binpb");
const userEventProto = path.join("proto", "materi", "events", "v1", "user_event.proto");

function bufBinary(): string {
  // npm hoists @bufbuild/buf to the root; a nested install keeps it next to the package.
  const candidates = [
    path.join(contractsDir, "node_modules", ".bin", "buf"),
    path.join(contractsDir, "..", "..", "node_modules", ".bin", "buf"),
  ];
  const found = candidates.find((candidate) => existsSync(candidate));
  if (!found) throw new Error(`buf is not installed (looked in ${candidates.join(", ")}): run npm install`);
  return found;
}

async function buf(cwd: string, ...args: string[]): Promise<{ code: number; output: string }> {
  // buf.gen.yaml names protoc-gen-es by name, as npm scripts see it with .bin on PATH.
  const env = { ...process.env, PATH: `${path.dirname(bufBinary())}${path.delimiter}${process.env.PATH ?? ""}` };
  try {
    const { stdout, stderr } = await run(bufBinary(), args, { cwd, env });
    return { code: 0, output: stdout + stderr };
  } catch (err) {
    const failed = err as { code?: number; stdout?: string; stderr?: string };
    return { code: failed.code ?? -1, output: `${failed.stdout ?? ""}${failed.stderr ?? ""}` };
  }
}

/** A copy of the module (buf.yaml + proto/) whose user_event.proto `edit` rewrites. */
async function editedCopy(edit: (source: string) => string): Promise<string> {
  const dir = await mkdtemp(path.join(tmpdir(), "materi-buf-"));
  await cp(path.join(contractsDir, "proto"), path.join(dir, "proto"), { recursive: true });
  await cp(path.join(contractsDir, "buf.yaml"), path.join(dir, "buf.yaml"));
  const file = path.join(dir, userEventProto);
  const source = await readFile(file, "utf8");
  const edited = edit(source);
  // Guard against a silent no-op edit, which would make the failure assertions meaningless.
  expect(edited).not.toBe(source);
  await writeFile(file, edited);
  return dir;
}

describe("protobuf contracts (buf)", () => {
  const temps: string[] = [];
  afterEach(async () => {
    await Promise.all(temps.splice(0).map((dir) => rm(dir, { recursive: true, force: true })));
  });

  it("pass buf lint", async () => {
    const result = await buf(contractsDir, "lint");
    expect(result.output).toBe("");
    expect(result.code).toBe(0);
  });

  it("are wire compatible with the last released schema image", async () => {
    const result = await buf(contractsDir, "breaking", "--against", releaseImage);
    expect(result.output).toBe("");
    expect(result.code).toBe(0);
  });

  it("match the committed generated code (src/gen is never edited by hand)", async () => {
    const out = await mkdtemp(path.join(tmpdir(), "materi-gen-"));
    temps.push(out);
    const result = await buf(contractsDir, "generate", "--output", out);
    expect(result.code, result.output).toBe(0);
    const diff = await run("diff", ["-r", path.join(out, "src", "gen"), path.join(contractsDir, "src", "gen")]).catch(
      (err: { stdout?: string }) => ({ stdout: err.stdout ?? "diff failed" }),
    );
    expect(diff.stdout, "run `npm run generate -w @materi/contracts`").toBe("");
  });

  it("fail buf breaking when a field number is retyped", async () => {
    const dir = await editedCopy((source) => source.replace("string email = 2;", "int64 email = 2;"));
    temps.push(dir);
    const result = await buf(dir, "breaking", "--against", releaseImage);
    expect(result.code).not.toBe(0);
    expect(result.output).toContain('Field "2" with name "email" on message "UserEvent" changed type');
  });

  it("fail buf breaking when a field number is reused under another name", async () => {
    const dir = await editedCopy((source) => source.replace("string email = 2;", "string locale = 2;"));
    temps.push(dir);
    const result = await buf(dir, "breaking", "--against", releaseImage);
    expect(result.code).not.toBe(0);
    expect(result.output).toContain('Field "2" on message "UserEvent" changed name from "email" to "locale"');
  });

  it("fail buf breaking when a field is deleted without reserving its number", async () => {
    const dir = await editedCopy((source) => source.replace("string email = 2;", ""));
    temps.push(dir);
    const result = await buf(dir, "breaking", "--against", releaseImage);
    expect(result.code).not.toBe(0);
    expect(result.output).toContain('"email" on message "UserEvent" was deleted without reserving the number "2"');
  });
});
