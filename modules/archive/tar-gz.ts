import { ArchiveEntry, crc32, FIXED_MTIME, normalizeEntries } from "./entries";

const BLOCK = 512;
const MTIME_SECONDS = Math.floor(FIXED_MTIME.getTime() / 1000);

function octal(value: number, width: number): string {
  // width - 1 octal digits, then NUL, as ustar expects.
  return value.toString(8).padStart(width - 1, "0") + "\0";
}

function ustarHeader(name: string, size: number, mode: number): Buffer {
  const nameBytes = Buffer.from(name, "utf8");
  if (nameBytes.length > 100)
    throw new Error(`tar entry name ${JSON.stringify(name)} is ${nameBytes.length} bytes; ustar names are at most 100`);
  const header = Buffer.alloc(BLOCK);
  nameBytes.copy(header, 0);
  header.write(octal(mode, 8), 100, "ascii");
  header.write(octal(0, 8), 108, "ascii"); // uid
  header.write(octal(0, 8), 116, "ascii"); // gid
  header.write(octal(size, 12), 124, "ascii");
  header.write(octal(MTIME_SECONDS, 12), 136, "ascii");
  header.write("        ", 148, "ascii"); // checksum field counts as spaces while summing
  header.write("0", 156, "ascii"); // regular file
  header.write("ustar\0" + "00", 257, "ascii");
  let sum = 0;
  for (const byte of header) sum += byte;
  header.write(sum.toString(8).padStart(6, "0") + "\0 ", 148, "ascii");
  return header;
}

/** A ustar archive: sorted entries, fixed mtime, owner 0:0, no user or group names. */
export function deterministicTar(entries: ArchiveEntry[]): Buffer {
  const parts: Buffer[] = [];
  for (const { name, data, mode } of normalizeEntries(entries, "tar")) {
    parts.push(ustarHeader(name, data.length, mode), data, Buffer.alloc((BLOCK - (data.length % BLOCK)) % BLOCK));
  }
  parts.push(Buffer.alloc(2 * BLOCK)); // end-of-archive marker
  return Buffer.concat(parts);
}

/**
 * Gzip with stored deflate blocks and a zeroed timestamp: the same bytes on every machine and
 * Node version (a zlib build's deflate output may differ; see deterministicZip).
 */
export function deterministicGzip(data: Buffer): Buffer {
  const header = Buffer.from([0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 3]); // deflate, no flags, mtime 0, Unix
  const blocks: Buffer[] = [];
  const MAX_STORED = 0xffff;
  for (let start = 0; start < data.length || start === 0; start += MAX_STORED) {
    const chunk = data.subarray(start, start + MAX_STORED);
    const last = start + MAX_STORED >= data.length;
    const blockHeader = Buffer.alloc(5);
    blockHeader.writeUInt8(last ? 1 : 0, 0); // BFINAL, BTYPE 00 (stored)
    blockHeader.writeUInt16LE(chunk.length, 1);
    blockHeader.writeUInt16LE(~chunk.length & 0xffff, 3);
    blocks.push(blockHeader, chunk);
    if (last) break;
  }
  const trailer = Buffer.alloc(8);
  trailer.writeUInt32LE(crc32(data), 0);
  trailer.writeUInt32LE(data.length >>> 0, 4);
  return Buffer.concat([header, ...blocks, trailer]);
}

/** `deterministicTar` then `deterministicGzip`: a `.tar.gz` whose hash changes only with its files. */
export function deterministicTarGz(entries: ArchiveEntry[]): Buffer {
  return deterministicGzip(deterministicTar(entries));
}
