/** One file of an archive. */
export interface ArchiveEntry {
  /** Path inside the archive, `/`-separated, relative (e.g. `train.py`). */
  name: string;
  content: Buffer | string;
  /** Unix permission bits. Default: 0o644. */
  mode?: number;
}

/** The one modification time every entry gets (1980-01-01T00:00:00Z, the earliest a zip can hold). */
export const FIXED_MTIME = new Date(Date.UTC(1980, 0, 1));

/** Entries validated, as bytes, sorted by name: the same files always give the same archive. */
export function normalizeEntries(entries: ArchiveEntry[], format: string): Array<{ name: string; data: Buffer; mode: number }> {
  const seen = new Set<string>();
  const normalized = entries.map((entry) => {
    if (!entry.name || entry.name.startsWith("/") || entry.name.split("/").includes("..") || entry.name.includes("\\")) {
      throw new Error(`${format} entry name ${JSON.stringify(entry.name)} must be a relative '/'-separated path without '..'`);
    }
    if (seen.has(entry.name))
      throw new Error(`${format} entry name ${JSON.stringify(entry.name)} is used twice; names must be unique`);
    seen.add(entry.name);
    return {
      name: entry.name,
      data: Buffer.isBuffer(entry.content) ? entry.content : Buffer.from(entry.content, "utf8"),
      mode: entry.mode ?? 0o644,
    };
  });
  return normalized.sort((a, b) => Buffer.compare(Buffer.from(a.name), Buffer.from(b.name)));
}

const CRC_TABLE = (() => {
  const table = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    table[n] = c >>> 0;
  }
  return table;
})();

/** CRC-32 (IEEE), as zip and gzip store it. Our own, so no Node version lacks it. */
export function crc32(data: Buffer): number {
  let crc = 0xffffffff;
  for (let i = 0; i < data.length; i++) crc = CRC_TABLE[(crc ^ data[i]) & 0xff] ^ (crc >>> 8);
  return (crc ^ 0xffffffff) >>> 0;
}
