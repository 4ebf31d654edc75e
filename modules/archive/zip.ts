import { ArchiveEntry, crc32, FIXED_MTIME, normalizeEntries } from "./entries";

const DOS_DATE = ((FIXED_MTIME.getUTCFullYear() - 1980) << 9) | ((FIXED_MTIME.getUTCMonth() + 1) << 5) | FIXED_MTIME.getUTCDate();
const DOS_TIME = 0;
const UTF8_NAMES = 0x0800;
const VERSION_MADE_BY_UNIX = (3 << 8) | 20;
const VERSION_NEEDED_STORED = 10;
const MAX_SIZE = 0xffffffff;

/**
 * A zip archive whose bytes depend only on the entries: sorted names, one fixed timestamp, fixed
 * permissions, no extra fields. Entries are stored, not deflated, because deflate output differs
 * between zlib builds (Node versions, CPU-specific code paths), which would change the hash and
 * make plans noisy from one machine to the next; the Lambda bundle is a few kilobytes.
 */
export function deterministicZip(entries: ArchiveEntry[]): Buffer {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const { name, data, mode } of normalizeEntries(entries, "zip")) {
    if (data.length >= MAX_SIZE)
      throw new Error(`zip entry ${name} is ${data.length} bytes; this writer has no zip64 and allows < 4 GiB`);
    const nameBytes = Buffer.from(name, "utf8");
    const crc = crc32(data);
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(VERSION_NEEDED_STORED, 4);
    local.writeUInt16LE(UTF8_NAMES, 6);
    local.writeUInt16LE(0, 8); // method: stored
    local.writeUInt16LE(DOS_TIME, 10);
    local.writeUInt16LE(DOS_DATE, 12);
    local.writeUInt32LE(crc, 14);
    local.writeUInt32LE(data.length, 18);
    local.writeUInt32LE(data.length, 22);
    local.writeUInt16LE(nameBytes.length, 26);
    local.writeUInt16LE(0, 28);
    locals.push(local, nameBytes, data);

    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE(VERSION_MADE_BY_UNIX, 4);
    central.writeUInt16LE(VERSION_NEEDED_STORED, 6);
    central.writeUInt16LE(UTF8_NAMES, 8);
    central.writeUInt16LE(0, 10);
    central.writeUInt16LE(DOS_TIME, 12);
    central.writeUInt16LE(DOS_DATE, 14);
    central.writeUInt32LE(crc, 16);
    central.writeUInt32LE(data.length, 20);
    central.writeUInt32LE(data.length, 24);
    central.writeUInt16LE(nameBytes.length, 28);
    // extra length, comment length, disk number, internal attributes: all 0
    central.writeUInt32LE(((0o100000 | mode) << 16) >>> 0, 38); // regular file + permissions, Unix style
    central.writeUInt32LE(offset, 42);
    centrals.push(central, nameBytes);
    offset += local.length + nameBytes.length + data.length;
  }
  const directory = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  const count = centrals.length / 2;
  end.writeUInt16LE(count, 8);
  end.writeUInt16LE(count, 10);
  end.writeUInt32LE(directory.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, directory, end]);
}
