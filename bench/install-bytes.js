/**
 * What `npm ci` downloads for this lock file on the build image (Linux x64, glibc): the size of
 * every package's tarball, read from the local npm cache by the lock's integrity hashes. No network.
 */
const { Buffer } = require("buffer");
const fs = require("fs");
const os = require("os");
const path = require("path");

const BUILD_PLATFORM = { os: "linux", cpu: "x64", libc: "glibc" };

/** Whether npm installs a lock entry on the build platform (optional packages of other platforms are skipped). */
const installedOn = (entry, platform) =>
  ["os", "cpu", "libc"].every((field) => !entry[field] || entry[field].includes(platform[field]));

/** The tarball of an `integrity` in npm's content-addressed cache, or undefined. */
function cachedTarball(cacheDir, integrity) {
  const [algorithm, base64] = integrity.split(" ")[0].split("-");
  const hex = Buffer.from(base64, "base64").toString("hex");
  const file = path.join(cacheDir, "content-v2", algorithm, hex.slice(0, 2), hex.slice(2, 4), hex.slice(4));
  return fs.existsSync(file) ? fs.statSync(file).size : undefined;
}

/** `{ all, production }`: tarball bytes and package counts, and how many tarballs the cache lacks. */
function installBytes(lockFile, cacheDir = path.join(os.homedir(), ".npm", "_cacache")) {
  const lock = JSON.parse(fs.readFileSync(lockFile, "utf8"));
  const totals = { all: { bytes: 0, packages: 0, missing: 0 }, production: { bytes: 0, packages: 0, missing: 0 } };
  for (const [key, entry] of Object.entries(lock.packages)) {
    if (!key || entry.link || !entry.integrity || !installedOn(entry, BUILD_PLATFORM)) continue;
    const size = cachedTarball(cacheDir, entry.integrity);
    for (const kind of entry.dev ? ["all"] : ["all", "production"]) {
      totals[kind].packages += 1;
      if (size === undefined) totals[kind].missing += 1;
      else totals[kind].bytes += size;
    }
  }
  return totals;
}

module.exports = { installBytes };

if (require.main === module) console.log(installBytes(path.join(__dirname, "..", "package-lock.json")));
