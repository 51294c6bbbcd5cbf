/**
 * The streaming reader for JSON tensor files: bytes in (whole, or chunk by chunk), a {@link TensorFile} out, with the
 * numbers of every tensor parsed straight into a typed array (no nested JS arrays, no node per number).
 *
 * It gives exactly what `readTensorFile` (src/core/json) gives for the same text: the same tensors (a number written
 * with `.` or an exponent makes the tensor float32, else int64; booleans alone make bool), the same options, loss,
 * classes and ranges, and the same first error with the same code, message and line:column. It gets there the way
 * the small reader does, in one pass:
 *
 * - syntax errors win over everything and the first one in the text is reported (the small reader parses the whole
 *   document before looking at it);
 * - then the top-level members in order (an unknown key, or a tensor's problem), then "loss", "options", "classes";
 * - within a tensor, the small reader walks the nesting top-down and checks each list's length before its items, so
 *   its first problem is the one that starts earliest in the text: this reader keeps the earliest-starting problem.
 *   The expected row lengths come, as there, from the first row at every depth.
 *
 * Columns count UTF-16 units like the small reader's string positions (non-ASCII only occurs inside strings, and a
 * byte-order mark in whitespace). Pure TypeScript: no `fs`, the caller feeds bytes (see {@link readTensorFileFrom}).
 */
import { LossLensError, type SourceRange } from '../diagnostics';
import { duplicateKeyError, type JsonNode } from '../json/parse';
import {
  checkDeclaredShape,
  dtypeOfNode,
  errorAt,
  jsonToTensor,
  npySourceOf,
  readFileMembers,
  TENSOR_KEYS,
  TOP_LEVEL_KEYS,
  type NpySource,
  type TensorFile,
} from '../json/tensorFile';
import { tensorFrom, type DType, type Tensor } from '../tensor';
import { asciiText, decimalValue, EXACT_INTEGER_LIMIT, POWERS_OF_TEN } from './number';

// Module-local copies: the hot loops read them per number, and an imported binding can be a getter call (CommonJS).
const EXACT_LIMIT = EXACT_INTEGER_LIMIT;
const TENS = POWERS_OF_TEN;

/**
 * Bytes that must be available past a token's start before it is read (unless the input has ended): the longest
 * number the small reader looks at is 400 characters, an error message quotes at most 20 characters.
 */
const LOOKAHEAD = 1024;
/** Nesting deeper than this is `json/depth`, as in the small reader. */
const MAX_DEPTH = 512;

// What the innermost open container expects next.
const A_FIRST = 0; // after '[': ']' or the first item
const A_VALUE = 1; // after ',': an item
const A_NEXT = 2; // after an item: ',' or ']'
const O_FIRST = 3; // after '{': '}' or the first key
const O_KEY = 4; // after ',': a key
const O_COLON = 5; // after a key: ':'
const O_VALUE = 6; // after ':': the value
const O_NEXT = 7; // after a value: ',' or '}'

// What a value is read for.
const M_SKIP = 0; // checked for syntax only
const M_NODE = 1; // built as a JsonNode (options, classes, loss, small members)
const M_ROOT = 2; // the top-level object
const M_TOBJ = 3; // a tensor written as {"data": [...], "dtype": ...}
const M_TENSOR = 4; // a list of a tensor's data, collected into a typed array

// Problems a container inside a tensor reports when it closes (its range is known then).
const CLOSE_OK = 0;
const CLOSE_DEEPER_LIST = 1; // a list where the rows above have a number
const CLOSE_LIST_EXPECTED = 2; // an object where the rows above have a list
const CLOSE_OBJECT_VALUE = 3; // an object where the rows above have a number

const VALUE_HINT = 'Tensor values are numbers, true/false, or "nan", "inf", "-inf".';
const SPECIAL_STRINGS: Readonly<Record<string, number>> = {
  nan: NaN,
  inf: Infinity,
  '-inf': -Infinity,
  NaN: NaN,
  Infinity: Infinity,
  '-Infinity': -Infinity,
};

interface Position {
  readonly line: number;
  readonly column: number;
  /** Byte offset from the start of the input (orders problems). */
  readonly offset: number;
}

const utf8 = new TextDecoder('utf-8', { ignoreBOM: true });

/** A UTF-8 byte range as text (short ASCII runs without the decoder's call overhead). */
function utf8Text(bytes: Uint8Array, start: number, end: number): string {
  if (end - start <= 32) {
    let ascii = true;
    for (let i = start; i < end; i++) if (bytes[i]! >= 0x80) ascii = false;
    if (ascii) return asciiText(bytes, start, end);
  }
  return utf8.decode(bytes.subarray(start, end));
}

/**
 * Collects one tensor's numbers into a typed array while checking that the nesting is rectangular. Integers are kept
 * in float64 (exact, as int64 needs) until the first float appears; from then on the values go to float32, which is
 * what the tensor will be. With `exact` (a tensor object that may name its dtype) everything stays float64 until the
 * dtype is known.
 */
class Collector {
  /** The first problem in text order, if any; collecting stops at the first one found. */
  error: LossLensError | undefined;
  private errorOffset = Infinity;
  /** Row lengths by depth, learned from the first row at each depth. */
  readonly shape: number[] = [];
  /** How many dimensions (−1 until the first row reaches a value or an empty list). */
  rank = -1;
  data: Float64Array | Float32Array;
  length = 0;
  floatMode = false;
  sawFloat = false;
  sawInt = false;
  sawBool = false;

  constructor(
    readonly exact: boolean,
    /** Most values the rest of the input can hold (each takes ≥ 2 bytes), when the input size is known. */
    private readonly bound: number | undefined,
    /** Allocate in SharedArrayBuffers ({@link TensorStreamOptions.shared}). */
    private readonly shared = false,
  ) {
    this.data = this.floats64(Math.max(16, bound ?? 1024));
  }

  private floats64(n: number): Float64Array {
    return this.shared ? new Float64Array(new SharedArrayBuffer(8 * n)) : new Float64Array(n);
  }

  private floats32(n: number): Float32Array {
    return this.shared ? new Float32Array(new SharedArrayBuffer(4 * n)) : new Float32Array(n);
  }

  /** Keeps the problem that starts first in the text. */
  fail(offset: number, error: LossLensError): void {
    if (offset < this.errorOffset) {
      this.errorOffset = offset;
      this.error = error;
    }
  }

  /** Room for one more value. */
  grow(): void {
    const bigger = this.floatMode ? this.floats32(this.data.length * 2) : this.floats64(this.data.length * 2);
    bigger.set(this.data);
    this.data = bigger;
  }

  /** From now on values are float32 (the tensor will be); the integers so far are rounded once, as torch.tensor does. */
  toFloat(): void {
    if (this.exact || this.floatMode) return;
    this.floatMode = true;
    const capacity = Math.max(this.data.length, 16);
    const floats = this.floats32(this.bound !== undefined ? Math.max(capacity, this.length + 16) : capacity);
    floats.set(this.data.subarray(0, this.length));
    this.data = floats;
  }

  push(value: number): void {
    if (this.length === this.data.length) this.grow();
    this.data[this.length++] = value;
  }

  /** The tensor, with `dtype` when a tensor object named one. Throws the first problem. */
  finish(dtype: DType | undefined): Tensor {
    if (this.error) throw this.error;
    const shape = this.shape.slice(0, this.rank);
    const inferred: DType = this.sawFloat ? 'float32' : this.sawInt ? 'int64' : this.sawBool ? 'bool' : 'float32';
    const values = this.data.subarray(0, this.length);
    if (this.exact || dtype !== undefined) return tensorFrom(values, shape, dtype ?? inferred);
    if (inferred === 'float32') {
      // A view, not a copy: the capacity beyond `length` was never written, so it costs address space, not memory.
      return { dtype: 'float32', shape, data: values instanceof Float32Array ? values : Float32Array.from(values) };
    }
    if (inferred === 'int64') return { dtype: 'int64', shape, data: values as Float64Array };
    return tensorFrom(values, shape, inferred);
  }
}

/** An open container. */
class Frame {
  state: number;
  /** Items (arrays) or members (objects) finished so far. */
  count = 0;
  /** The member being read (objects). */
  key = '';
  keyRange: SourceRange | undefined;
  /** Objects: where each key so far is written (a key written twice is an error naming both). */
  keys: Map<string, SourceRange> | undefined;
  /** M_NODE: the children. */
  items: JsonNode[] | undefined;
  entries: { key: string; keyRange: SourceRange; value: JsonNode }[] | undefined;
  /** M_TENSOR frames and the containers below them: the tensor being collected. */
  collector: Collector | undefined;
  /** Depth within the tensor (0 for its outermost list). */
  tensorDepth = 0;
  /** On the first-item chain from the tensor's outermost list: its length becomes the shape. */
  onChain = false;
  /** 1-based position in the parent list (the "row" of error messages). */
  row = 1;
  /** Inside a problem already reported: only syntax counts. */
  ignored = false;
  closeProblem = CLOSE_OK;
  /** M_TOBJ: whether "data" was seen and whether it went to a collector. */
  dataSeen = false;
  dataCollector: Collector | undefined;

  constructor(
    public isArray: boolean,
    public mode: number,
    /** The small reader's parseValue depth of this container. */
    public depth: number,
    /** Where the opening bracket is (numbers, not a Position: a tensor opens thousands of rows). */
    public startLine: number,
    public startColumn: number,
    public startOffset: number,
  ) {
    this.state = isArray ? A_FIRST : O_FIRST;
    if (mode === M_NODE) {
      if (isArray) this.items = [];
      else this.entries = [];
    }
  }

  get start(): Position {
    return { line: this.startLine, column: this.startColumn, offset: this.startOffset };
  }

  /** Makes a pooled frame a fresh tensor row. */
  reuse(depth: number, line: number, column: number, offset: number): this {
    this.isArray = true;
    this.mode = M_TENSOR;
    this.depth = depth;
    this.startLine = line;
    this.startColumn = column;
    this.startOffset = offset;
    this.state = A_FIRST;
    this.count = 0;
    this.key = '';
    this.keyRange = undefined;
    this.keys = undefined;
    this.items = undefined;
    this.entries = undefined;
    this.collector = undefined;
    this.tensorDepth = 0;
    this.onChain = false;
    this.row = 1;
    this.ignored = false;
    this.closeProblem = CLOSE_OK;
    this.dataSeen = false;
    this.dataCollector = undefined;
    return this;
  }
}

/** Options of {@link TensorFileStream}. */
export interface TensorStreamOptions {
  /** The input's total size in bytes, when known: typed arrays are then sized once, never grown and copied. */
  readonly sizeHint?: number;
  /**
   * Collect the tensors in SharedArrayBuffers (where the platform has them). The loss worker reads this way: another
   * thread can then hold a tensor without a copy, and V8 does not count the capacity past it (sized by the text left,
   * never written) as the receiving thread's memory, which an ArrayBuffer moved there would be counted as in full.
   */
  readonly shared?: boolean;
}

/**
 * A streaming tensor-file reader: {@link TensorFileStream.write} bytes as they come, {@link TensorFileStream.end} for
 * the file. Throws the same LossLensError as `readTensorFile` (src/core/json), as early as it can be sure of it.
 */
export class TensorFileStream {
  private buf: Uint8Array = new Uint8Array(0);
  private pos = 0;
  private stop = 0;
  private final = false;
  /** Input offset of buf[0]. */
  private base = 0;
  private line = 1;
  /** Input offset where the current line starts. */
  private lineStart = 0;
  /** Bytes minus UTF-16 units so far on the current line (multi-byte characters in strings, byte-order marks). */
  private colAdjust = 0;
  private readonly stack: Frame[] = [];
  /** Closed tensor rows, reused for the next ones (no garbage per row). */
  private readonly framePool: Frame[] = [];
  private documentStarted = false;
  private documentDone = false;
  private rootIsObject = false;
  private rootRange: SourceRange | undefined;

  // What the top-level object said.
  private entryError: LossLensError | undefined;
  private readonly inputs: Record<string, Tensor> = {};
  private readonly inputRanges: Record<string, SourceRange> = {};
  private readonly npy: Record<string, NpySource> = {};
  private lossNode: JsonNode | undefined;
  private optionsNode: JsonNode | undefined;
  private classesNode: JsonNode | undefined;
  private torchNode: JsonNode | undefined;
  private lossSeen = false;
  private optionsSeen = false;
  private classesSeen = false;
  /** The tensor (or its problem, or its .npy file) a tensor member's value produced. */
  private pendingTensor: Tensor | LossLensError | NpySource | undefined;

  // The last scalar token read.
  private numberValue = 0;
  private numberIsFloat = false;
  private stringValue = '';

  constructor(private readonly options: TensorStreamOptions = {}) {}

  /** Reads the next bytes. The chunk is not kept (a partial token at its end is copied). */
  write(chunk: Uint8Array): void {
    // keepRest() left the unread bytes (a partial token) at the front of `buf`.
    if (this.stop > 0) {
      const joined = new Uint8Array(this.stop + chunk.length);
      joined.set(this.buf.subarray(0, this.stop));
      joined.set(chunk, this.stop);
      this.buf = joined;
    } else {
      this.buf =
        chunk.constructor === Uint8Array ? chunk : new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.length);
    }
    this.pos = 0;
    this.stop = this.buf.length;
    this.run();
    this.keepRest();
  }

  /** The input has ended: returns the file or throws its first problem. */
  end(): TensorFile {
    this.final = true;
    this.run();
    return this.result();
  }

  /**
   * Reads from a buffer the caller fills (`buf[0, end)`); `final` when nothing follows. Returns how many bytes were
   * consumed: the caller moves the rest to the front before reading more. Used by {@link readTensorFileFrom}.
   */
  consume(buf: Uint8Array, end: number, final: boolean): number {
    // A plain Uint8Array view (not a Buffer subclass) keeps the byte loads monomorphic.
    this.buf = buf.constructor === Uint8Array ? buf : new Uint8Array(buf.buffer, buf.byteOffset, buf.length);
    this.pos = 0;
    this.stop = end;
    this.final = final;
    this.run();
    const consumed = this.pos;
    this.base += consumed;
    this.pos = 0;
    this.stop = 0;
    this.buf = new Uint8Array(0);
    return consumed;
  }

  /** After {@link consume} with `final`: the file, or its first problem. */
  result(): TensorFile {
    if (!this.rootIsObject) {
      throw errorAt(
        this.rootRange!,
        'json/not-object',
        'A tensor file is a JSON object.',
        'Write {"loss": "cross_entropy", "input": [[...]], "target": [...]}.',
      );
    }
    if (this.entryError) throw this.entryError;
    return {
      ...readFileMembers(this.lossNode, this.optionsNode, this.classesNode, this.torchNode),
      inputs: this.inputs,
      inputRanges: this.inputRanges,
      ...(Object.keys(this.npy).length > 0 ? { npy: this.npy } : {}),
    };
  }

  private keepRest(): void {
    if (this.pos < this.stop) {
      const rest = this.buf.slice(this.pos, this.stop);
      this.base += this.pos;
      this.buf = rest;
      this.pos = 0;
      this.stop = rest.length;
    } else {
      this.base += this.stop;
      this.buf = new Uint8Array(0);
      this.pos = 0;
      this.stop = 0;
    }
  }

  // -------------------------------------------------------------------------------------------------------------
  // Positions and syntax errors, as src/core/json/parse.ts words and places them

  private here(p: number): Position {
    return { line: this.line, column: this.base + p - this.lineStart - this.colAdjust + 1, offset: this.base + p };
  }

  private rangeFrom(start: Position, p: number): SourceRange {
    return {
      line: start.line,
      column: start.column,
      endLine: this.line,
      endColumn: this.base + p - this.lineStart - this.colAdjust + 1,
    };
  }

  private describe(p: number): string {
    if (p >= this.stop) return 'the end of the file';
    const text = utf8.decode(this.buf.subarray(p, Math.min(this.stop, p + 128)));
    const token = /^[^\s,\]}[{:]{1,20}/.exec(text)?.[0] ?? text[0];
    return `'${token}'`;
  }

  private failAt(at: Position, code: string, message: string, hint: string): never {
    throw new LossLensError({
      code,
      message,
      explanation: 'The file is not valid JSON at this place.',
      hint,
      line: at.line,
      column: at.column,
      endLine: at.line,
      endColumn: at.column + 1,
    });
  }

  private fail(p: number, code: string, message: string, hint: string): never {
    this.failAt(this.here(p), code, message, hint);
  }

  // -------------------------------------------------------------------------------------------------------------
  // The state machine

  /** Skips whitespace from `p`, tracking lines; returns where the next token starts. */
  private skipSpace(p: number): number {
    const buf = this.buf;
    const end = this.stop;
    while (p < end) {
      const b = buf[p]!;
      if (b === 32 || b === 9 || b === 13) p++;
      else if (b === 10) {
        p++;
        this.line++;
        this.lineStart = this.base + p;
        this.colAdjust = 0;
      } else if (b === 0xef && p + 2 < end && buf[p + 1] === 0xbb && buf[p + 2] === 0xbf) {
        // U+FEFF: three bytes, one UTF-16 unit.
        p += 3;
        this.colAdjust += 2;
      } else break;
    }
    return p;
  }

  private run(): void {
    const safe = this.final ? this.stop : this.stop - LOOKAHEAD;
    for (;;) {
      const top = this.stack[this.stack.length - 1];
      if (
        top !== undefined &&
        top.mode === M_TENSOR &&
        (top.state === A_VALUE || top.state === A_NEXT || (top.state === A_FIRST && top.depth < MAX_DEPTH))
      ) {
        const c = top.collector!;
        if (!top.ignored && c.error === undefined && c.rank === top.tensorDepth + 1) {
          if (c.floatMode) this.fastFloat32(top, safe);
          else this.fastValues(top, safe);
        }
      }
      const p = this.skipSpace(this.pos);
      this.pos = p;
      if (p >= this.stop) {
        if (this.final) this.endOfInput();
        return;
      }
      if (p >= safe && !this.final) return;
      const b = this.buf[p]!;
      if (top === undefined) {
        if (this.documentDone) {
          this.fail(
            p,
            'json/syntax',
            `Unexpected ${this.describe(p)} after the end of the JSON value.`,
            'Remove the extra text or wrap the values in one object.',
          );
        }
        this.documentStarted = true;
        if (!this.startValue(undefined, p)) return;
        continue;
      }
      switch (top.state) {
        case A_FIRST:
          if (b === 93) {
            this.closeContainer(p);
            break;
          }
          if (top.depth + 1 > MAX_DEPTH) this.depthError(p);
          if (!this.startValue(top, p)) return;
          break;
        case A_VALUE:
          if (!this.startValue(top, p)) return;
          break;
        case A_NEXT:
          if (b === 44) {
            this.pos = p + 1;
            top.state = A_VALUE;
          } else if (b === 93) {
            this.closeContainer(p);
          } else {
            this.fail(
              p,
              'json/brackets',
              `Expected ',' or ']' in the list opened at ${top.start.line}:${top.start.column}, found ${this.describe(p)}.`,
              'Separate values with commas and close the list with ].',
            );
          }
          break;
        case O_FIRST:
          if (b === 125) {
            this.closeContainer(p);
            break;
          }
          top.state = O_KEY;
          break;
        case O_KEY: {
          if (b !== 34)
            this.fail(
              p,
              'json/syntax',
              `Expected a quoted key, found ${this.describe(p)}.`,
              'Object keys are strings in double quotes, e.g. "input".',
            );
          const start = this.here(p);
          const after = this.scanString(p, true);
          if (after < 0) return;
          top.key = this.stringValue;
          top.keyRange = this.rangeFrom(start, after);
          const earlier = (top.keys ??= new Map()).get(top.key);
          if (earlier) throw duplicateKeyError(top.key, earlier, top.keyRange);
          top.keys.set(top.key, top.keyRange);
          this.pos = after;
          top.state = O_COLON;
          break;
        }
        case O_COLON:
          if (b !== 58)
            this.fail(
              p,
              'json/syntax',
              `Expected ':' after the key "${top.key}", found ${this.describe(p)}.`,
              'Write "key": value.',
            );
          this.pos = p + 1;
          if (top.depth + 1 > MAX_DEPTH) this.depthError(p + 1);
          top.state = O_VALUE;
          break;
        case O_VALUE:
          if (!this.startValue(top, p)) return;
          break;
        case O_NEXT:
          if (b === 44) {
            this.pos = p + 1;
            top.state = O_KEY;
          } else if (b === 125) {
            this.closeContainer(p);
          } else {
            this.fail(
              p,
              'json/brackets',
              `Expected ',' or '}' in the object opened at ${top.start.line}:${top.start.column}, found ${this.describe(p)}.`,
              'Separate members with commas and close the object with }.',
            );
          }
          break;
      }
    }
  }

  private depthError(p: number): never {
    this.fail(
      p,
      'json/depth',
      'JSON nested more than 512 levels deep.',
      'Tensors have at most a few dimensions; check the brackets.',
    );
  }

  /** The input ended with `pos` at its end. */
  private endOfInput(): void {
    const p = this.stop;
    const top = this.stack[this.stack.length - 1];
    if (top === undefined) {
      if (!this.documentStarted)
        this.fail(
          p,
          'json/empty',
          'The JSON file is empty.',
          'Write an object such as {"loss": "cross_entropy", "input": [[...]], "target": [...]}.',
        );
      return;
    }
    switch (top.state) {
      case A_FIRST:
        if (top.depth + 1 > MAX_DEPTH) this.depthError(p);
        this.fail(
          p,
          'json/syntax',
          'The JSON ends where a value was expected.',
          'Complete the value or close the open brackets.',
        );
        break;
      case A_VALUE:
      case O_VALUE:
        this.fail(
          p,
          'json/syntax',
          'The JSON ends where a value was expected.',
          'Complete the value or close the open brackets.',
        );
        break;
      case A_NEXT:
        this.fail(
          p,
          'json/brackets',
          `Expected ',' or ']' in the list opened at ${top.start.line}:${top.start.column}, found the end of the file.`,
          'Separate values with commas and close the list with ].',
        );
        break;
      case O_FIRST:
      case O_KEY:
        this.fail(
          p,
          'json/syntax',
          'Expected a quoted key, found the end of the file.',
          'Object keys are strings in double quotes, e.g. "input".',
        );
        break;
      case O_COLON:
        this.fail(
          p,
          'json/syntax',
          `Expected ':' after the key "${top.key}", found the end of the file.`,
          'Write "key": value.',
        );
        break;
      case O_NEXT:
        this.fail(
          p,
          'json/brackets',
          `Expected ',' or '}' in the object opened at ${top.start.line}:${top.start.column}, found the end of the file.`,
          'Separate members with commas and close the object with }.',
        );
        break;
    }
  }

  /**
   * Reads the value starting at `p` (a container is opened, a scalar read whole). False when a string runs past the
   * bytes so far: the caller waits for more.
   */
  private startValue(parent: Frame | undefined, p: number): boolean {
    const buf = this.buf;
    const b = buf[p]!;
    const depth = parent === undefined ? 0 : parent.depth + 1;
    if (b === 123 || b === 91) {
      this.stack.push(this.openChild(parent, b === 91, depth, p));
      this.pos = p + 1;
      return true;
    }
    const start = this.here(p);
    let after: number;
    let kind: 'number' | 'string' | 'boolean' | 'null';
    let flag = false;
    if (b === 34) {
      after = this.scanString(p, parent === undefined || parent.mode !== M_SKIP);
      if (after < 0) return false;
      kind = 'string';
    } else if (b === 45 || b === 43 || (b >= 48 && b <= 57) || b === 78 || b === 73) {
      after = this.scanNumber(p);
      kind = 'number';
    } else if (b === 116 && buf[p + 1] === 114 && buf[p + 2] === 117 && buf[p + 3] === 101) {
      after = p + 4;
      kind = 'boolean';
      flag = true;
    } else if (b === 102 && buf[p + 1] === 97 && buf[p + 2] === 108 && buf[p + 3] === 115 && buf[p + 4] === 101) {
      after = p + 5;
      kind = 'boolean';
    } else if (b === 110 && buf[p + 1] === 117 && buf[p + 2] === 108 && buf[p + 3] === 108) {
      after = p + 4;
      kind = 'null';
    } else {
      this.fail(
        p,
        'json/syntax',
        `Unexpected ${this.describe(p)} where a value was expected.`,
        'JSON values are numbers, strings, true/false/null, [arrays] or {objects}.',
      );
    }
    this.pos = after;
    const range = this.rangeFrom(start, after);
    this.scalar(parent, kind, flag, start, range);
    return true;
  }

  /** The frame for a container opening inside `parent`, with what it is read for. */
  private openChild(parent: Frame | undefined, isArray: boolean, depth: number, p: number): Frame {
    const line = this.line;
    const column = this.base + p - this.lineStart - this.colAdjust + 1;
    const offset = this.base + p;
    const frame = (mode: number, array = isArray): Frame => new Frame(array, mode, depth, line, column, offset);
    if (parent === undefined) {
      this.rootIsObject = !isArray;
      return frame(isArray ? M_SKIP : M_ROOT);
    }
    switch (parent.mode) {
      case M_SKIP:
        return frame(M_SKIP);
      case M_NODE:
        return frame(M_NODE);
      case M_ROOT: {
        const mode = this.memberMode(parent.key, parent.keyRange!);
        if (mode === M_TENSOR && !isArray) return frame(M_TOBJ, false);
        if (mode === M_TENSOR) return this.tensorFrame(frame(M_TENSOR), false);
        return frame(mode);
      }
      case M_TOBJ:
        if (parent.key === 'data' && !parent.dataSeen) {
          parent.dataSeen = true;
          if (isArray) {
            const data = this.tensorFrame(frame(M_TENSOR), true);
            parent.dataCollector = data.collector;
            return data;
          }
        }
        return frame(M_NODE);
      default: {
        // Inside a tensor's data.
        const c = parent.collector!;
        const childDepth = parent.tensorDepth + 1;
        const k = parent.count;
        const pooled = isArray ? this.framePool.pop() : undefined;
        const frame = pooled
          ? pooled.reuse(depth, line, column, offset)
          : new Frame(isArray, isArray ? M_TENSOR : M_SKIP, depth, line, column, offset);
        frame.collector = c;
        frame.tensorDepth = childDepth;
        frame.row = k + 1;
        if (parent.ignored) {
          frame.ignored = true;
          return frame;
        }
        if (parent.onChain && k === 0 && c.rank < 0) {
          if (isArray) {
            frame.onChain = true;
            return frame;
          }
          c.rank = childDepth;
        }
        if (isArray) {
          if (childDepth >= c.rank) {
            frame.ignored = true;
            frame.closeProblem = CLOSE_DEEPER_LIST;
          }
        } else {
          frame.ignored = true;
          frame.closeProblem = childDepth < c.rank ? CLOSE_LIST_EXPECTED : CLOSE_OBJECT_VALUE;
        }
        return frame;
      }
    }
  }

  private tensorFrame(frame: Frame, exact: boolean): Frame {
    const remaining = this.options.sizeHint !== undefined ? this.options.sizeHint - frame.startOffset : undefined;
    frame.collector = new Collector(
      exact,
      remaining !== undefined ? Math.ceil(remaining / 2) + 1 : undefined,
      this.options.shared === true && typeof SharedArrayBuffer === 'function',
    );
    frame.onChain = true;
    return frame;
  }

  /** What a top-level member's value is read for; an unknown key is the file's problem. */
  private memberMode(key: string, keyRange: SourceRange): number {
    if (this.entryError) return M_SKIP;
    if (!TOP_LEVEL_KEYS.has(key)) {
      this.entryError = errorAt(
        keyRange,
        'json/unknown-key',
        `Unknown key "${key}".`,
        `Use PyTorch's parameter names (${TENSOR_KEYS.join(', ')}), "loss", "options" or "classes".`,
        { key },
      );
      return M_SKIP;
    }
    if ((TENSOR_KEYS as readonly string[]).includes(key)) return M_TENSOR;
    if (key === 'loss' && !this.lossSeen) return ((this.lossSeen = true), M_NODE);
    if (key === 'options' && !this.optionsSeen) return ((this.optionsSeen = true), M_NODE);
    if (key === 'classes' && !this.classesSeen) return ((this.classesSeen = true), M_NODE);
    return M_SKIP;
  }

  /** A scalar token inside `parent` (or as the whole document). */
  private scalar(
    parent: Frame | undefined,
    kind: 'number' | 'string' | 'boolean' | 'null',
    flag: boolean,
    start: Position,
    range: SourceRange,
  ): void {
    if (parent === undefined) {
      this.rootRange = range;
      this.documentDone = true;
      return;
    }
    if (parent.mode === M_TENSOR) {
      this.tensorScalar(parent, kind, flag, start, range);
      parent.count++;
      parent.state = A_NEXT;
      return;
    }
    let mode = parent.mode === M_ROOT ? this.memberMode(parent.key, parent.keyRange!) : parent.mode;
    if (parent.mode === M_TOBJ) {
      if (parent.key === 'data') parent.dataSeen = true;
      mode = M_NODE;
    }
    const node = mode === M_SKIP ? undefined : this.scalarNode(kind, flag, range);
    if (parent.mode === M_ROOT && mode === M_TENSOR) {
      // A tensor written as a bare number (or a mistake): the small reader's own conversion decides.
      try {
        this.pendingTensor = jsonToTensor(node!);
      } catch (e) {
        if (!(e instanceof LossLensError)) throw e;
        this.pendingTensor = e;
      }
    }
    this.childDone(parent, mode, node, range);
  }

  private scalarNode(kind: 'number' | 'string' | 'boolean' | 'null', flag: boolean, range: SourceRange): JsonNode {
    switch (kind) {
      case 'number':
        return { kind, value: this.numberValue, isFloat: this.numberIsFloat, range };
      case 'string':
        return { kind, value: this.stringValue, range };
      case 'boolean':
        return { kind, value: flag, range };
      case 'null':
        return { kind, range };
    }
  }

  /** A scalar inside a tensor's data: a value, or the problem the small reader's walk reports for it. */
  private tensorScalar(
    parent: Frame,
    kind: 'number' | 'string' | 'boolean' | 'null',
    flag: boolean,
    start: Position,
    range: SourceRange,
  ): void {
    if (parent.ignored) return;
    const c = parent.collector!;
    const depth = parent.tensorDepth + 1;
    if (parent.onChain && parent.count === 0 && c.rank < 0) c.rank = depth;
    if (depth < c.rank) {
      c.fail(
        start.offset,
        errorAt(
          range,
          'reader/ragged',
          `Expected a list at depth ${depth + 1} (like the rows above), found a single value.`,
          'Every row must have the same nesting; check for a missing bracket.',
          {
            row: parent.count + 1,
          },
        ),
      );
      return;
    }
    if (c.error) return;
    switch (kind) {
      case 'number':
        if (this.numberIsFloat) {
          c.sawFloat = true;
          c.toFloat();
        } else c.sawInt = true;
        c.push(this.numberValue);
        return;
      case 'boolean':
        c.sawBool = true;
        c.push(flag ? 1 : 0);
        return;
      case 'string': {
        const special = SPECIAL_STRINGS[this.stringValue];
        if (special !== undefined && Object.prototype.hasOwnProperty.call(SPECIAL_STRINGS, this.stringValue)) {
          c.sawFloat = true;
          c.toFloat();
          c.push(special);
          return;
        }
        c.fail(start.offset, errorAt(range, 'reader/value', `"${this.stringValue}" is not a number.`, VALUE_HINT));
        return;
      }
      case 'null':
        c.fail(start.offset, errorAt(range, 'reader/value', 'Expected a number, found null.', VALUE_HINT));
        return;
    }
  }

  /** Closes the innermost container at `p` (its closing bracket). */
  private closeContainer(p: number): void {
    const frame = this.stack.pop()!;
    const after = p + 1;
    this.pos = after;
    const parent = this.stack[this.stack.length - 1];
    if (frame.mode === M_TENSOR && parent !== undefined && parent.mode === M_TENSOR) {
      // A row of a tensor: no range is built unless a problem needs one, and the frame is reused.
      this.closeTensorList(frame, after);
      parent.count++;
      parent.state = A_NEXT;
      this.framePool.push(frame);
      return;
    }
    const range = this.rangeFrom(frame.start, after);
    let node: JsonNode | undefined;
    switch (frame.mode) {
      case M_NODE:
        node = frame.isArray
          ? { kind: 'array', items: frame.items!, range }
          : { kind: 'object', entries: frame.entries!, range };
        break;
      case M_TENSOR:
        this.closeTensorList(frame, after);
        break;
      case M_SKIP:
        if (frame.collector && frame.closeProblem !== CLOSE_OK) this.reportClosed(frame, range);
        break;
      case M_TOBJ:
        this.pendingTensor = this.finishTensorObject(frame, range);
        break;
    }
    if (parent === undefined) {
      this.rootRange = range;
      this.documentDone = true;
      return;
    }
    if (parent.mode === M_TENSOR) {
      parent.count++;
      parent.state = A_NEXT;
      return;
    }
    this.childDone(parent, frame.mode, node, range);
  }

  /** A list of a tensor's data closed: its length becomes the shape, or is checked against it. */
  private closeTensorList(frame: Frame, after: number): void {
    const c = frame.collector!;
    if (frame.ignored) {
      if (frame.closeProblem !== CLOSE_OK) this.reportClosed(frame, this.rangeFrom(frame.start, after));
    } else if (frame.onChain) {
      c.shape[frame.tensorDepth] = frame.count;
      if (frame.count === 0 && c.rank < 0) c.rank = frame.tensorDepth + 1;
    } else {
      const expected = c.shape[frame.tensorDepth]!;
      if (frame.count !== expected) {
        c.fail(
          frame.startOffset,
          errorAt(
            this.rangeFrom(frame.start, after),
            'reader/ragged',
            `row ${frame.row} has ${frame.count} values, rows above have ${expected}`,
            'A tensor is rectangular: every row needs the same number of values. Pad the short row or split the data.',
            { row: frame.row, count: frame.count, expected },
          ),
        );
      }
    }
    if (frame.tensorDepth === 0 && frame.onChain) {
      // The tensor's outermost list: a top-level member's value, or a tensor object's "data".
      if (this.stack[this.stack.length - 1]?.mode === M_ROOT) {
        try {
          this.pendingTensor = c.finish(undefined);
        } catch (e) {
          if (!(e instanceof LossLensError)) throw e;
          this.pendingTensor = e;
        }
      }
    }
  }

  private reportClosed(frame: Frame, range: SourceRange): void {
    const c = frame.collector!;
    const depth = frame.tensorDepth;
    switch (frame.closeProblem) {
      case CLOSE_DEEPER_LIST:
        c.fail(
          frame.start.offset,
          errorAt(
            range,
            'reader/ragged',
            `Expected a number at depth ${depth + 1}, found a list (this row is nested deeper than the rows above).`,
            'Every row must have the same nesting.',
          ),
        );
        return;
      case CLOSE_LIST_EXPECTED:
        c.fail(
          frame.start.offset,
          errorAt(
            range,
            'reader/ragged',
            `Expected a list at depth ${depth + 1} (like the rows above), found a single value.`,
            'Every row must have the same nesting; check for a missing bracket.',
            {
              row: frame.row,
            },
          ),
        );
        return;
      case CLOSE_OBJECT_VALUE:
        c.fail(frame.start.offset, errorAt(range, 'reader/value', 'Expected a number, found object.', VALUE_HINT));
        return;
    }
  }

  /** A {"data": ..., "dtype": ...} tensor closed: the small reader's checks, in its order. */
  private finishTensorObject(frame: Frame, range: SourceRange): Tensor | LossLensError | NpySource {
    try {
      if (!frame.dataCollector) {
        const node: JsonNode = { kind: 'object', entries: frame.entries ?? [], range };
        return npySourceOf(node) ?? jsonToTensor(node);
      }
      const dtype = frame.entries?.find((e) => e.key === 'dtype')?.value;
      const override = dtype ? dtypeOfNode(dtype) : undefined;
      const tensor = frame.dataCollector.finish(override);
      checkDeclaredShape(frame.entries?.find((e) => e.key === 'shape')?.value, tensor.shape);
      return tensor;
    } catch (e) {
      if (!(e instanceof LossLensError)) throw e;
      return e;
    }
  }

  /** A value finished inside an object or a built list. */
  private childDone(parent: Frame, mode: number, node: JsonNode | undefined, range: SourceRange): void {
    parent.count++;
    if (parent.isArray) {
      parent.state = A_NEXT;
      if (parent.mode === M_NODE) parent.items!.push(node!);
      return;
    }
    parent.state = O_NEXT;
    if (parent.mode === M_NODE || parent.mode === M_TOBJ) {
      // A tensor object keeps its members as nodes, except a "data" list that went to a collector.
      if (node) (parent.entries ??= []).push({ key: parent.key, keyRange: parent.keyRange!, value: node });
      return;
    }
    if (parent.mode !== M_ROOT) return;
    const key = parent.key;
    if (mode === M_TENSOR || mode === M_TOBJ || ((TENSOR_KEYS as readonly string[]).includes(key) && mode === M_NODE)) {
      const tensor = this.pendingTensor;
      this.pendingTensor = undefined;
      if (this.entryError) return;
      if (tensor instanceof LossLensError) this.entryError = tensor;
      else if (tensor && 'path' in tensor) {
        this.npy[key] = tensor;
        delete this.inputs[key];
        this.inputRanges[key] = range;
      } else if (tensor) {
        this.inputs[key] = tensor;
        delete this.npy[key];
        this.inputRanges[key] = range;
      }
      return;
    }
    if (mode !== M_NODE) return;
    if (key === 'loss') this.lossNode = node;
    else if (key === 'options') this.optionsNode = node;
    else if (key === 'classes') this.classesNode = node;
    else if (key === 'torch') this.torchNode = node;
  }

  // -------------------------------------------------------------------------------------------------------------
  // Tokens

  /**
   * Reads the string whose quote is at `p`; returns the offset after its closing quote, or −1 when the bytes so far
   * end inside it. The value goes to `stringValue` when `wanted`.
   */
  private scanString(p: number, wanted: boolean): number {
    const buf = this.buf;
    const end = this.stop;
    const quote = p;
    let q = p + 1;
    let segment = q;
    let out = '';
    let adjust = 0;
    for (;;) {
      if (q >= end) {
        if (!this.final) return -1;
        this.failAt(
          this.here(quote),
          'json/syntax',
          'A string is not closed.',
          'Close the string with a double quote.',
        );
      }
      const b = buf[q]!;
      if (b === 34) {
        if (wanted) this.stringValue = out + utf8Text(buf, segment, q);
        this.colAdjust += adjust;
        return q + 1;
      }
      if (b === 10)
        this.failAt(
          this.here(quote),
          'json/syntax',
          'A string is not closed.',
          'Close the string with a double quote.',
        );
      if (b === 92) {
        if (!this.final && q + 6 > end) return -1;
        if (wanted) out += utf8Text(buf, segment, q);
        const next = buf[q + 1];
        let escaped: string | undefined;
        switch (next) {
          case 34:
            escaped = '"';
            break;
          case 92:
            escaped = '\\';
            break;
          case 47:
            escaped = '/';
            break;
          case 98:
            escaped = '\b';
            break;
          case 102:
            escaped = '\f';
            break;
          case 110:
            escaped = '\n';
            break;
          case 114:
            escaped = '\r';
            break;
          case 116:
            escaped = '\t';
            break;
        }
        if (escaped !== undefined) {
          out += escaped;
          q += 2;
        } else if (
          next === 117 &&
          isHex(buf[q + 2]) &&
          isHex(buf[q + 3]) &&
          isHex(buf[q + 4]) &&
          isHex(buf[q + 5]) &&
          q + 6 <= end
        ) {
          out += String.fromCharCode(parseInt(asciiText(buf, q + 2, q + 6), 16));
          q += 6;
        } else {
          const at = this.here(q);
          this.failAt(
            { ...at, column: at.column - adjust },
            'json/syntax',
            'Invalid escape in a string.',
            'Use \\" \\\\ \\n \\t or \\uXXXX.',
          );
        }
        segment = q;
        continue;
      }
      if (b >= 0x80) {
        // UTF-16 units: one per lead byte, two for a four-byte sequence (a surrogate pair), none per continuation.
        if ((b & 0xc0) === 0x80) adjust++;
        else if (b >= 0xf0) adjust--;
      }
      q++;
    }
  }

  /**
   * Reads the number at `p` (the small reader's rules: `NaN`, `Infinity` with an optional sign, else
   * `-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?` within 400 characters, not followed by a digit, `.`, `e` or `E`).
   */
  private scanNumber(p: number): number {
    const buf = this.buf;
    let q = p;
    if (buf[q] === 43 || buf[q] === 45) q++;
    if (buf[q] === 78 && buf[q + 1] === 97 && buf[q + 2] === 78) {
      this.numberValue = NaN;
      this.numberIsFloat = true;
      return q + 3;
    }
    if (
      buf[q] === 73 &&
      buf[q + 1] === 110 &&
      buf[q + 2] === 102 &&
      buf[q + 3] === 105 &&
      buf[q + 4] === 110 &&
      buf[q + 5] === 105 &&
      buf[q + 6] === 116 &&
      buf[q + 7] === 121
    ) {
      this.numberValue = buf[p] === 45 ? -Infinity : Infinity;
      this.numberIsFloat = true;
      return q + 8;
    }
    const limit = Math.min(this.stop, p + 400);
    q = p;
    if (buf[q] === 45) q++;
    const invalid = (): never =>
      this.fail(
        p,
        'json/syntax',
        `Invalid number ${this.describe(p)}.`,
        'Write numbers like 1, -2.5 or 1e-3 (a leading + or a bare . is not JSON).',
      );
    if (q >= limit || !isDigit(buf[q])) invalid();
    if (buf[q] === 48) q++;
    else while (q < limit && isDigit(buf[q])) q++;
    let isFloat = false;
    if (q + 1 < limit && buf[q] === 46 && isDigit(buf[q + 1])) {
      q += 2;
      while (q < limit && isDigit(buf[q])) q++;
      isFloat = true;
    }
    if (q < limit && (buf[q] === 101 || buf[q] === 69)) {
      let r = q + 1;
      if (r < limit && (buf[r] === 43 || buf[r] === 45)) r++;
      if (r < limit && isDigit(buf[r])) {
        while (r < limit && isDigit(buf[r])) r++;
        q = r;
        isFloat = true;
      }
    }
    if (q < this.stop) {
      const next = buf[q]!;
      if (isDigit(next) || next === 46 || next === 101 || next === 69) {
        this.fail(q, 'json/syntax', `Invalid number ${this.describe(q)}.`, 'Write numbers like 1, -2.5 or 1e-3.');
      }
    }
    this.numberValue = decimalValue(buf, p, q);
    this.numberIsFloat = isFloat;
    return q;
  }

  /**
   * {@link fastValues} for the common case, a float32 tensor: one storage type, so every access stays monomorphic.
   * Returns to the general machine on anything but plain numbers, commas and whitespace.
   */
  private fastFloat32(frame: Frame, safe: number): void {
    const c = frame.collector!;
    const buf = this.buf;
    const limit = this.final ? this.stop : safe;
    let p = this.pos;
    let state = frame.state;
    let count = frame.count;
    let data = c.data as Float32Array;
    let length = c.length;
    let capacity = data.length;
    let sawInt = c.sawInt;
    for (;;) {
      let b = buf[p]!;
      while (b === 32 || b === 10 || b === 13 || b === 9) {
        if (b === 10) {
          this.line++;
          this.lineStart = this.base + p + 1;
          this.colAdjust = 0;
        }
        b = buf[++p]!;
      }
      if (p >= limit) break;
      if (state === A_FIRST) {
        // The row's first value, when a number starts here (anything else, ']' included, is the general machine's).
        if (!(b === 45 || (b >= 48 && b <= 57))) break;
        state = A_VALUE;
      }
      if (state === A_NEXT) {
        if (b !== 44) break;
        b = buf[++p]!;
        state = A_VALUE;
        while (b === 32 || b === 10 || b === 13 || b === 9) {
          if (b === 10) {
            this.line++;
            this.lineStart = this.base + p + 1;
            this.colAdjust = 0;
          }
          b = buf[++p]!;
        }
        if (p >= limit) break;
      }
      const start = p;
      let negative = false;
      if (b === 45) {
        negative = true;
        b = buf[++p]!;
      }
      let digit = b - 48;
      if (digit < 0 || digit > 9) {
        p = start;
        break;
      }
      let mantissa = digit;
      b = buf[++p]!;
      digit = b - 48;
      if (mantissa === 0) {
        if (digit >= 0 && digit <= 9) {
          p = start;
          break;
        }
      } else {
        while (digit >= 0 && digit <= 9) {
          mantissa = mantissa * 10 + digit;
          b = buf[++p]!;
          digit = b - 48;
        }
      }
      let fractionDigits = 0;
      if (b === 46) {
        b = buf[++p]!;
        digit = b - 48;
        if (digit < 0 || digit > 9) {
          p = start;
          break;
        }
        do {
          mantissa = mantissa * 10 + digit;
          fractionDigits++;
          b = buf[++p]!;
          digit = b - 48;
        } while (digit >= 0 && digit <= 9);
      }
      // A number running into the end of the bytes read (where stale bytes of the buffer follow) is the general
      // machine's: it knows where the input stops.
      if (b === 101 || b === 69 || b === 46 || p - start > 400 || p >= limit) {
        p = start;
        break;
      }
      let value: number;
      if (mantissa < EXACT_LIMIT && fractionDigits <= 22) {
        value = fractionDigits === 0 ? mantissa : mantissa / TENS[fractionDigits]!;
        if (negative) value = -value;
      } else {
        value = Number(asciiText(buf, start, p));
      }
      if (fractionDigits === 0) sawInt = true;
      if (length === capacity) {
        c.length = length;
        c.grow();
        data = c.data as Float32Array;
        capacity = data.length;
      }
      data[length++] = value;
      count++;
      state = A_NEXT;
    }
    c.length = length;
    c.sawInt = sawInt;
    this.pos = p;
    frame.state = state;
    frame.count = count;
  }

  /**
   * The hot loop: plain numbers (`-12.345`, `7`) separated by commas and whitespace in a list of a tensor's last
   * dimension, written straight into the collector. Anything else (an exponent, a closing bracket, a string, an
   * error) goes back to the general machine at a token boundary, which reads it with the exact rules.
   */
  private fastValues(frame: Frame, safe: number): void {
    const c = frame.collector!;
    const buf = this.buf;
    const limit = this.final ? this.stop : safe;
    let p = this.pos;
    let state = frame.state;
    let count = frame.count;
    let data = c.data;
    let length = c.length;
    let capacity = data.length;
    for (;;) {
      let b = buf[p]!;
      while (b === 32 || b === 10 || b === 13 || b === 9) {
        if (b === 10) {
          this.line++;
          this.lineStart = this.base + p + 1;
          this.colAdjust = 0;
        }
        b = buf[++p]!;
      }
      if (p >= limit) break;
      if (state === A_FIRST) {
        if (!(b === 45 || (b >= 48 && b <= 57))) break;
        state = A_VALUE;
      }
      if (state === A_NEXT) {
        if (b !== 44) break;
        p++;
        state = A_VALUE;
        continue;
      }
      const start = p;
      let negative = false;
      if (b === 45) {
        negative = true;
        b = buf[++p]!;
      }
      if (!(b >= 48 && b <= 57)) {
        p = start;
        break;
      }
      let mantissa = b - 48;
      b = buf[++p]!;
      if (mantissa === 0) {
        if (b >= 48 && b <= 57) {
          p = start;
          break;
        }
      } else {
        while (b >= 48 && b <= 57) {
          mantissa = mantissa * 10 + (b - 48);
          b = buf[++p]!;
        }
      }
      let fractionDigits = 0;
      if (b === 46) {
        b = buf[++p]!;
        if (!(b >= 48 && b <= 57)) {
          p = start;
          break;
        }
        do {
          mantissa = mantissa * 10 + (b - 48);
          fractionDigits++;
          b = buf[++p]!;
        } while (b >= 48 && b <= 57);
      }
      // A number running into the end of the bytes read (where stale bytes of the buffer follow) is the general
      // machine's: it knows where the input stops.
      if (b === 101 || b === 69 || b === 46 || p - start > 400 || p >= limit) {
        p = start;
        break;
      }
      let value: number;
      if (mantissa < EXACT_LIMIT && fractionDigits <= 22) {
        value = fractionDigits === 0 ? mantissa : mantissa / TENS[fractionDigits]!;
        if (negative) value = -value;
      } else {
        value = Number(asciiText(buf, start, p));
      }
      if (fractionDigits > 0) {
        if (!c.sawFloat) c.sawFloat = true;
        if (!c.floatMode && !c.exact) {
          c.length = length;
          c.toFloat();
          data = c.data;
          capacity = data.length;
        }
      } else if (!c.sawInt) c.sawInt = true;
      if (length === capacity) {
        c.length = length;
        c.grow();
        data = c.data;
        capacity = data.length;
      }
      data[length++] = value;
      count++;
      state = A_NEXT;
    }
    c.length = length;
    this.pos = p;
    frame.state = state;
    frame.count = count;
  }
}

function isDigit(b: number | undefined): boolean {
  return b !== undefined && b >= 48 && b <= 57;
}

function isHex(b: number | undefined): boolean {
  return b !== undefined && ((b >= 48 && b <= 57) || (b >= 65 && b <= 70) || (b >= 97 && b <= 102));
}

/** Reads a whole tensor file from its bytes (UTF-8). Same result and errors as `readTensorFile` on the text. */
export function readTensorFileFast(bytes: Uint8Array): TensorFile {
  const stream = new TensorFileStream({ sizeHint: bytes.length });
  stream.consume(bytes, bytes.length, true);
  return stream.result();
}

/**
 * Reads a tensor file by pulling chunks: `read(into)` fills `into` from the start and returns how many bytes it wrote
 * (0 at the end), like `fs.readSync(fd, into)`. Only one chunk (plus a partial token) is held at a time.
 */
export function readTensorFileFrom(
  read: (into: Uint8Array) => number,
  options: TensorStreamOptions & {
    readonly chunkSize?: number;
    readonly onProgress?: (bytesRead: number) => void;
  } = {},
): TensorFile {
  const stream = new TensorFileStream(options);
  let buffer = new Uint8Array(Math.max(options.chunkSize ?? 1 << 22, LOOKAHEAD * 4));
  let filled = 0;
  let total = 0;
  for (;;) {
    if (filled === buffer.length) {
      // A token longer than the buffer (a long string): make room.
      const bigger = new Uint8Array(buffer.length * 2);
      bigger.set(buffer);
      buffer = bigger;
    }
    const n = read(buffer.subarray(filled));
    total += n;
    options.onProgress?.(total);
    const end = filled + n;
    const consumed = stream.consume(buffer, end, n === 0);
    if (n === 0) return stream.result();
    buffer.copyWithin(0, consumed, end);
    filled = end - consumed;
  }
}
