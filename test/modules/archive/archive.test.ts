import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { gunzipSync } from "zlib";
import { crc32 } from "../../../modules/archive/entries";
import { deterministicGzip, deterministicTar, deterministicTarGz } from "../../../modules/archive/tar-gz";
import { deterministicZip } from "../../../modules/archive/zip";
import { PYTHON } from "../../helpers/python";

const files = [
  { name: "train.py", content: "print('train')\n" },
  { name: "lib/util.py", content: Buffer.from([0, 1, 2, 255]) },
  { name: "run.sh", content: "#!/bin/sh\n", mode: 0o755 },
];

/** What Python's own zipfile/tarfile readers see in an archive: names, sizes, modes, mtimes, contents. */
function readWithPython(
  kind: "zip" | "tar.gz",
  archive: Buffer,
): Array<{ name: string; mode: number; mtime: number[] | number; content: string }> {
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "archive-")), `a.${kind}`);
  fs.writeFileSync(file, archive);
  const script =
    kind === "zip"
      ? `import zipfile, json, sys
z = zipfile.ZipFile(sys.argv[1]); assert z.testzip() is None
print(json.dumps([{"name": i.filename, "mode": i.external_attr >> 16, "mtime": list(i.date_time), "content": z.read(i).hex()} for i in z.infolist()]))`
      : `import tarfile, json, sys
t = tarfile.open(sys.argv[1], "r:gz")
print(json.dumps([{"name": m.name, "mode": m.mode, "mtime": m.mtime, "uid": m.uid, "content": t.extractfile(m).read().hex()} for m in t.getmembers()]))`;
  const result = spawnSync(PYTHON, ["-c", script, file], { encoding: "utf8" });
  fs.rmSync(path.dirname(file), { recursive: true, force: true });
  if (result.status !== 0) throw new Error(result.stderr || String(result.error));
  return JSON.parse(result.stdout);
}

const hex = (content: string | Buffer) => Buffer.from(content).toString("hex");

describe("deterministicZip", () => {
  it("gives the same bytes for the same files in any order", () => {
    expect(deterministicZip(files).equals(deterministicZip([...files].reverse()))).toBe(true);
  });

  it("changes when a file's content changes", () => {
    expect(
      deterministicZip(files).equals(deterministicZip([{ ...files[0], content: "print('other')\n" }, ...files.slice(1)])),
    ).toBe(false);
  });

  it("is a valid zip: sorted entries, 1980-01-01 timestamps, Unix permissions, exact contents", () => {
    expect(readWithPython("zip", deterministicZip(files))).toEqual([
      { name: "lib/util.py", mode: 0o100644, mtime: [1980, 1, 1, 0, 0, 0], content: "000102ff" },
      { name: "run.sh", mode: 0o100755, mtime: [1980, 1, 1, 0, 0, 0], content: hex("#!/bin/sh\n") },
      { name: "train.py", mode: 0o100644, mtime: [1980, 1, 1, 0, 0, 0], content: hex("print('train')\n") },
    ]);
  });

  it("refuses duplicate and escaping names", () => {
    expect(() => deterministicZip([files[0], files[0]])).toThrow('zip entry name "train.py" is used twice; names must be unique');
    expect(() => deterministicZip([{ name: "../x", content: "" }])).toThrow(
      `zip entry name "../x" must be a relative '/'-separated path without '..'`,
    );
  });
});

describe("deterministicTarGz", () => {
  it("gives the same bytes for the same files in any order", () => {
    expect(deterministicTarGz(files).equals(deterministicTarGz([...files].reverse()))).toBe(true);
  });

  it("is a valid .tar.gz: sorted entries, fixed mtime, owner 0, exact contents", () => {
    const mtime = Date.UTC(1980, 0, 1) / 1000;
    expect(readWithPython("tar.gz", deterministicTarGz(files))).toEqual([
      { name: "lib/util.py", mode: 0o644, mtime, uid: 0, content: "000102ff" },
      { name: "run.sh", mode: 0o755, mtime, uid: 0, content: hex("#!/bin/sh\n") },
      { name: "train.py", mode: 0o644, mtime, uid: 0, content: hex("print('train')\n") },
    ]);
  });

  it("gzips any size (several stored blocks, and none) so zlib reads back the input", () => {
    const big = Buffer.alloc(200_000, 7);
    expect(gunzipSync(deterministicGzip(big)).equals(big)).toBe(true);
    expect(gunzipSync(deterministicGzip(Buffer.alloc(0))).length).toBe(0);
  });

  it("refuses names longer than ustar allows", () => {
    expect(() => deterministicTar([{ name: "x".repeat(101), content: "" }])).toThrow("ustar names are at most 100");
  });
});

describe("crc32", () => {
  it("matches the standard check value", () => {
    expect(crc32(Buffer.from("123456789"))).toBe(0xcbf43926);
  });
});
