/**
 * The zip container of `torch.save` (.pt/.pth, PyTorch ≥ 1.6) and `numpy.savez` (.npz) files: the central
 * directory is read here (so every size is checked against the file before anything is allocated, and a stored
 * member is a view on the file's bytes rather than a copy), and deflated members are inflated by fflate with a hard
 * bound, so a zip bomb, or a member inflating to more than its header says, stops after a small overshoot.
 */
import { Inflate } from 'fflate';
import { binaryError, DEFAULT_LIMITS, type ReadLimits } from './errors';

/** One member of a zip file. */
export interface ZipMember {
  readonly name: string;
  /** 0 = stored, 8 = deflated. */
  readonly method: number;
  readonly compressedSize: number;
  /** The uncompressed size the directory states. */
  readonly size: number;
  /** Where its local header starts. */
  readonly headerOffset: number;
}

/** A zip file's directory over its bytes. */
export interface ZipArchive {
  readonly file: string;
  readonly bytes: Uint8Array;
  readonly members: ReadonlyMap<string, ZipMember>;
}

const EOCD = 0x06054b50;
const ZIP64_LOCATOR = 0x07064b50;
const ZIP64_EOCD = 0x06064b50;
const CENTRAL = 0x02014b50;
const LOCAL = 0x04034b50;

/** True when the bytes start like a zip file (`PK\x03\x04`, or an empty archive's `PK\x05\x06`). */
export function looksLikeZip(bytes: Uint8Array): boolean {
  return bytes[0] === 0x50 && bytes[1] === 0x4b && (bytes[2] === 3 || bytes[2] === 5);
}

function u16(b: Uint8Array, at: number): number {
  return b[at]! | (b[at + 1]! << 8);
}

function u32(b: Uint8Array, at: number): number {
  return (b[at]! | (b[at + 1]! << 8) | (b[at + 2]! << 16)) + b[at + 3]! * 2 ** 24;
}

function u64(b: Uint8Array, at: number): number {
  return u32(b, at) + u32(b, at + 4) * 2 ** 32;
}

/** The explanation and fix of a cut-off or damaged zip. */
function damaged(file: string, offset: number, what: string, kind: string): never {
  throw binaryError(
    file,
    offset,
    'zip/damaged',
    `not a complete zip archive (${what})`,
    `A ${kind} file is a zip archive whose directory sits at its end; this one is cut off or damaged (an interrupted copy or download).`,
    'Save the file again (torch.save / numpy.savez) and copy it whole.',
    { what },
  );
}

/**
 * Reads the directory of a zip file. `kind` names the format for messages ('.pt', '.npz'). Throws `zip/damaged`
 * for a truncated or inconsistent archive, `zip/encrypted` for an encrypted member.
 */
export function readZip(bytes: Uint8Array, file: string, kind: string): ZipArchive {
  const n = bytes.length;
  // The end-of-central-directory record: 22 bytes plus a comment of at most 65535.
  let eocd = -1;
  for (let at = n - 22; at >= Math.max(0, n - 22 - 65535); at--) {
    if (u32(bytes, at) === EOCD) {
      eocd = at;
      break;
    }
  }
  if (eocd < 0) damaged(file, n, 'no end-of-directory record', kind);
  let count = u16(bytes, eocd + 10);
  let directorySize = u32(bytes, eocd + 12);
  let directoryOffset = u32(bytes, eocd + 16);
  if (count === 0xffff || directorySize === 0xffffffff || directoryOffset === 0xffffffff) {
    const locator = eocd - 20;
    if (locator < 0 || u32(bytes, locator) !== ZIP64_LOCATOR) damaged(file, eocd, 'zip64 locator missing', kind);
    const record = u64(bytes, locator + 8);
    if (record + 56 > n || u32(bytes, record) !== ZIP64_EOCD) damaged(file, locator, 'zip64 record missing', kind);
    count = u64(bytes, record + 32);
    directorySize = u64(bytes, record + 40);
    directoryOffset = u64(bytes, record + 48);
  }
  if (directoryOffset + directorySize > n || count * 46 > directorySize) {
    damaged(
      file,
      eocd,
      `the directory claims ${count} members in ${directorySize} bytes at byte ${directoryOffset}`,
      kind,
    );
  }
  const members = new Map<string, ZipMember>();
  const decoder = new TextDecoder();
  let at = directoryOffset;
  for (let i = 0; i < count; i++) {
    if (at + 46 > directoryOffset + directorySize || u32(bytes, at) !== CENTRAL)
      damaged(file, at, 'bad directory entry', kind);
    const flags = u16(bytes, at + 8);
    const method = u16(bytes, at + 10);
    let compressedSize = u32(bytes, at + 20);
    let size = u32(bytes, at + 24);
    const nameLength = u16(bytes, at + 28);
    const extraLength = u16(bytes, at + 30);
    const commentLength = u16(bytes, at + 32);
    let headerOffset = u32(bytes, at + 42);
    const end = at + 46 + nameLength + extraLength + commentLength;
    if (end > directoryOffset + directorySize) damaged(file, at, 'a directory entry runs past the directory', kind);
    const name = decoder.decode(bytes.subarray(at + 46, at + 46 + nameLength));
    // Zip64: the sizes and offset marked 0xffffffff are in the extra field 0x0001, in this order.
    for (let e = at + 46 + nameLength; e + 4 <= at + 46 + nameLength + extraLength;) {
      const id = u16(bytes, e);
      const length = u16(bytes, e + 2);
      if (id === 0x0001) {
        let p = e + 4;
        if (size === 0xffffffff) {
          size = u64(bytes, p);
          p += 8;
        }
        if (compressedSize === 0xffffffff) {
          compressedSize = u64(bytes, p);
          p += 8;
        }
        if (headerOffset === 0xffffffff) headerOffset = u64(bytes, p);
      }
      e += 4 + length;
    }
    if (flags & 1) {
      throw binaryError(
        file,
        at,
        'zip/encrypted',
        `member '${name}' is encrypted`,
        `The ${kind} archive has an encrypted member; torch.save and numpy.savez never encrypt.`,
        'Save the tensors again with torch.save or numpy.savez, without a password.',
        { member: name },
      );
    }
    members.set(name, { name, method, compressedSize, size, headerOffset });
    at = end;
  }
  return { file, bytes, members };
}

/**
 * The bytes of one member: a view on the archive for a stored member, a bounded inflate for a deflated one. Checks
 * that the member lies inside the file and that it holds exactly the size the directory states.
 */
export function memberBytes(zip: ZipArchive, member: ZipMember, limits: ReadLimits = DEFAULT_LIMITS): Uint8Array {
  const { bytes, file } = zip;
  const label = `${file}/${member.name}`;
  const at = member.headerOffset;
  if (at + 30 > bytes.length || u32(bytes, at) !== LOCAL)
    damaged(file, at, `no local header for '${member.name}'`, 'zip');
  const start = at + 30 + u16(bytes, at + 26) + u16(bytes, at + 28);
  const end = start + member.compressedSize;
  if (end > bytes.length) {
    throw binaryError(
      file,
      bytes.length,
      'zip/truncated',
      `member '${member.name}' needs bytes ${start}–${end}, the file ends at ${bytes.length}`,
      'The archive is shorter than its directory says: it was cut off, or its directory lies about the sizes.',
      'Save the file again and copy it whole.',
      { member: member.name, needed: end, available: bytes.length },
    );
  }
  if (member.size > limits.maxInflatedBytes) tooBig(label, member.size, limits);
  const compressed = bytes.subarray(start, end);
  if (member.method === 0) {
    if (member.compressedSize !== member.size) lies(label, member.size, member.compressedSize, start);
    return compressed;
  }
  if (member.method !== 8) {
    throw binaryError(
      file,
      at,
      'zip/method',
      `member '${member.name}' uses compression method ${member.method}`,
      'Loss Lens reads stored and deflated zip members, which is what torch.save and numpy.savez(_compressed) write.',
      'Save the file again with torch.save or numpy.savez_compressed.',
      { member: member.name, method: member.method },
    );
  }
  // Deflate expands at most ~1032×: a stated size beyond that is a lie, refused before allocating it.
  if (member.size > member.compressedSize * 1032 + 1024)
    lies(label, member.size, member.compressedSize * 1032, start, false, true);
  return boundedInflate(compressed, member, label, start);
}

/** Compressed bytes pushed per step: deflate expands at most ~1032×, so one step adds at most ~32 MB. */
const INFLATE_STEP = 32 * 1024;

function boundedInflate(compressed: Uint8Array, member: ZipMember, label: string, start: number): Uint8Array {
  const out = new Uint8Array(member.size);
  let written = 0;
  let overflow = 0;
  const inflater = new Inflate((chunk) => {
    if (written + chunk.length > member.size) {
      overflow += written + chunk.length - member.size;
      return;
    }
    out.set(chunk, written);
    written += chunk.length;
  });
  try {
    for (let p = 0; p < compressed.length; p += INFLATE_STEP) {
      const last = p + INFLATE_STEP >= compressed.length;
      inflater.push(compressed.subarray(p, Math.min(compressed.length, p + INFLATE_STEP)), last);
      // A member that inflates past its stated size is refused at once: it is a bomb or a damaged file.
      if (overflow > 0) lies(label, member.size, member.size + overflow, start, true);
    }
  } catch (e) {
    if (e instanceof Error && e.name === 'LossLensError') throw e;
    throw binaryError(
      label,
      start,
      'zip/inflate',
      `member cannot be inflated (${e instanceof Error ? e.message : String(e)})`,
      'The compressed data of this member is damaged.',
      'Save the file again and copy it whole.',
    );
  }
  if (written !== member.size) lies(label, member.size, written, start);
  return out;
}

function tooBig(label: string, size: number, limits: ReadLimits): never {
  throw binaryError(
    label,
    0,
    'zip/too-big',
    `member would inflate to ${size} bytes, over the limit of ${limits.maxInflatedBytes}`,
    'The archive member is larger than Loss Lens reads at once (a compressed archive can expand to far more than its size on disk, which is how a zip bomb works).',
    'Save only the tensors the loss needs, or raise the size limit if you trust the file.',
    { size, limit: limits.maxInflatedBytes },
  );
}

function lies(label: string, stated: number, actual: number, offset: number, atLeast = false, atMost = false): never {
  const holds = `${atLeast ? 'at least ' : atMost ? 'at most ' : ''}${actual}`;
  throw binaryError(
    label,
    offset,
    'zip/size-mismatch',
    `the directory says ${stated} bytes, the member holds ${holds}`,
    'The zip directory lies about this member’s size: the file is damaged or was crafted to exhaust memory (a zip bomb).',
    'Do not use this file; save the tensors again with torch.save or numpy.savez.',
    { stated, actual },
  );
}
