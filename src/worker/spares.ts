/**
 * Pre-faulted memory for the loss worker's per-sample outputs. A segmentation map's summary writes ~5.6 MB of
 * per-position arrays (losses, log Σ exp, p[y], predictions, the target check's classes, weights and flags), and they
 * leave with the answer (moved to the host, which keeps them in the panel's history), so the worker cannot reuse them;
 * fresh, they cost ~1,400 page faults on first touch inside the job. Instead, once a job's answer is posted, the worker
 * allocates buffers of the sizes that job asked for and touches every page of them ({@link SpareBuffers.prepare}),
 * while the host shows the answer; the next job of the same shape takes them already mapped. A spare is handed out
 * once, zero-filled as a fresh array is, and never again: nothing is reused, so no view can see another job's numbers.
 */
import type { OutputBuffers } from '../core/losses/types';

/** Smaller outputs are allocated as they come: their few pages cost less than the bookkeeping. */
export const MIN_SPARE_BYTES = 256 * 1024;

/** The most memory spares hold between jobs. */
export const DEFAULT_SPARE_BYTES = 64 * 1024 * 1024;

/** Bytes per page touched (the smallest page size of the platforms Node runs on). */
const PAGE_BYTES = 4096;

/** What the spares have done, for the tests and the log. */
export interface SpareStats {
  /** Outputs given a prepared spare. */
  fromSpares: number;
  /** Outputs of at least {@link MIN_SPARE_BYTES} allocated fresh (no spare of their size was ready). */
  fresh: number;
  /** Spares prepared. */
  prepared: number;
}

/** Zero-filled, pre-faulted buffers for the next job's outputs, sized by the last job's. */
export class SpareBuffers implements OutputBuffers {
  /** Ready spares by size. */
  private readonly ready = new Map<number, ArrayBuffer[]>();
  /** The sizes the current job asked for, in order. */
  private asked: number[] = [];
  private readonly counts: SpareStats = { fromSpares: 0, fresh: 0, prepared: 0 };

  /** `maxBytes`: the most memory the prepared spares hold. */
  constructor(readonly maxBytes: number = DEFAULT_SPARE_BYTES) {}

  take(byteLength: number): ArrayBuffer {
    if (byteLength < MIN_SPARE_BYTES) return new ArrayBuffer(byteLength);
    this.asked.push(byteLength);
    const spare = this.ready.get(byteLength)?.pop();
    if (spare) {
      this.counts.fromSpares++;
      return spare;
    }
    this.counts.fresh++;
    return new ArrayBuffer(byteLength);
  }

  /**
   * After a job's answer is posted: spares for the sizes that job asked for (the next what-if asks for the same),
   * every page touched, up to the cap. Spares of other sizes are dropped.
   */
  prepare(): void {
    const asked = this.asked;
    this.asked = [];
    const wanted = new Map<number, number>();
    for (const size of asked) wanted.set(size, (wanted.get(size) ?? 0) + 1);
    for (const size of [...this.ready.keys()]) if (!wanted.has(size)) this.ready.delete(size);
    let held = 0;
    for (const [size, list] of this.ready) held += size * list.length;
    for (const [size, count] of wanted) {
      const list = this.ready.get(size) ?? [];
      this.ready.set(size, list);
      while (list.length < count && held + size <= this.maxBytes) {
        const buffer = new ArrayBuffer(size);
        // Writing a zero maps the page now (a read would map the shared zero page and fault again on the write).
        const bytes = new Uint8Array(buffer);
        for (let i = 0; i < size; i += PAGE_BYTES) bytes[i] = 0;
        list.push(buffer);
        held += size;
        this.counts.prepared++;
      }
    }
  }

  /** The bytes held in prepared spares. */
  get heldBytes(): number {
    let held = 0;
    for (const [size, list] of this.ready) held += size * list.length;
    return held;
  }

  /** A snapshot of what the spares have done. */
  stats(): SpareStats {
    return { ...this.counts };
  }
}
