/**
 * Read buffers reused across computations. A fresh buffer for a 16 MB file costs ~4,000 page faults on its first
 * touch (the kernel maps and zeroes each page), where NumPy's `malloc` in a warm notebook hands back the previous
 * array's pages already mapped; a long-lived worker gets the same by reading each file into a buffer a previous job
 * read into.
 *
 * The rule that makes reuse safe: a buffer goes back to the pool only when the job that took it is over and no view
 * of it can be reached any more. The job's owner says when it is over ({@link ReadBufferPool.settle}) and hands in
 * what outlives the job (the answer); the pool then keeps out every buffer the answer reaches (it may be held by
 * whoever receives the answer) and every buffer that was detached (transferred to another thread), and takes back
 * the rest. Nothing is guessed from garbage collection: a `FinalizationRegistry` on one view says nothing of the other
 * views of the same buffer, which can outlive it.
 */

/** Where a reader takes the memory for a file's bytes. */
export interface ReadBuffers {
  /** An ArrayBuffer of at least `byteLength` bytes, owned by the caller until its job is settled. */
  take(byteLength: number): ArrayBuffer;
}

/** The pool's default cap on the memory it holds between jobs (the largest benchmark file is 65.5 MB). */
export const DEFAULT_POOL_BYTES = 256 * 1024 * 1024;

/** Smaller reads are not pooled: their few pages cost less than the bookkeeping. */
export const MIN_POOLED_BYTES = 256 * 1024;

/**
 * A pooled buffer is handed out for a read of at least this share of its size, so that a tensor filling the file
 * still fills at least 90 % of the buffer (the worker moves such a buffer to the host rather than copying it).
 */
const FIT_SHARE = 0.91;

/** What the pool has done, for the tests and the log. */
export interface PoolStats {
  /** Buffers handed out from the pool. */
  reused: number;
  /** Buffers allocated because none in the pool fitted. */
  allocated: number;
  /** Buffers taken back at a settle. */
  returned: number;
  /** Buffers kept out at a settle because the answer reaches them. */
  heldByAnswer: number;
  /** Buffers kept out at a settle because they were transferred (detached). */
  detached: number;
  /** Buffers dropped to stay under the cap. */
  evicted: number;
}

/** The buffers one job took; settle it once, when the job is over. */
export class BufferLease implements ReadBuffers {
  /** @internal The buffers taken, in order. */
  readonly taken: ArrayBuffer[] = [];
  /** @internal Set once settled. */
  settled = false;
  /** Buffers of at least {@link MIN_POOLED_BYTES} this lease got from the pool. */
  reused = 0;
  /** Buffers of at least {@link MIN_POOLED_BYTES} this lease got freshly allocated. */
  allocated = 0;

  /** @internal Leases come from {@link ReadBufferPool.lease}. */
  constructor(private readonly pool: ReadBufferPool) {}

  take(byteLength: number): ArrayBuffer {
    if (this.settled) throw new Error('A settled buffer lease cannot take buffers.');
    const { buffer, reused } = this.pool.takeFor(byteLength);
    if (byteLength >= MIN_POOLED_BYTES) {
      this.taken.push(buffer);
      if (reused) this.reused++;
      else this.allocated++;
    }
    return buffer;
  }
}

/** Every ArrayBuffer/SharedArrayBuffer `value` reaches through objects, arrays, maps, sets and typed-array views. */
export function reachableBuffers(value: unknown): Set<ArrayBufferLike> {
  const found = new Set<ArrayBufferLike>();
  const seen = new Set<object>();
  const stack: unknown[] = [value];
  while (stack.length > 0) {
    const v = stack.pop();
    if (typeof v !== 'object' || v === null || seen.has(v)) continue;
    seen.add(v);
    if (ArrayBuffer.isView(v)) {
      found.add(v.buffer);
      continue;
    }
    if (v instanceof ArrayBuffer || (typeof SharedArrayBuffer === 'function' && v instanceof SharedArrayBuffer)) {
      found.add(v);
      continue;
    }
    if (Array.isArray(v)) {
      for (const item of v) if (typeof item === 'object' && item !== null) stack.push(item);
      continue;
    }
    if (v instanceof Map) {
      for (const [k, item] of v) stack.push(k, item);
      continue;
    }
    if (v instanceof Set) {
      for (const item of v) stack.push(item);
      continue;
    }
    for (const key of Object.keys(v)) stack.push((v as Record<string, unknown>)[key]);
  }
  return found;
}

/** Read buffers kept between the jobs of one thread (the loss worker), up to a cap. */
export class ReadBufferPool {
  /** Free buffers, the most recently returned last. */
  private readonly free: ArrayBuffer[] = [];
  private freeBytes = 0;
  private readonly counts: PoolStats = {
    reused: 0,
    allocated: 0,
    returned: 0,
    heldByAnswer: 0,
    detached: 0,
    evicted: 0,
  };

  /** `maxBytes`: the most memory the pool holds between jobs. */
  constructor(readonly maxBytes: number = DEFAULT_POOL_BYTES) {}

  /** A lease for one job's reads. */
  lease(): BufferLease {
    return new BufferLease(this);
  }

  /** @internal The best-fitting free buffer for `byteLength` bytes, or a new one. */
  takeFor(byteLength: number): { buffer: ArrayBuffer; reused: boolean } {
    if (byteLength >= MIN_POOLED_BYTES) {
      let best = -1;
      for (let i = 0; i < this.free.length; i++) {
        const size = this.free[i]!.byteLength;
        if (size < byteLength || byteLength < FIT_SHARE * size) continue;
        if (best < 0 || size < this.free[best]!.byteLength) best = i;
      }
      if (best >= 0) {
        const [buffer] = this.free.splice(best, 1);
        this.freeBytes -= buffer!.byteLength;
        this.counts.reused++;
        return { buffer: buffer!, reused: true };
      }
    }
    this.counts.allocated++;
    return { buffer: new ArrayBuffer(byteLength), reused: false };
  }

  /**
   * The job that holds `lease` is over: everything it made is unreachable except `answer` (what it hands on). Takes
   * back every buffer of the lease that `answer` does not reach and that was not transferred away; the rest is never
   * reused. Then drops the oldest free buffers over the cap.
   */
  settle(lease: BufferLease, answer?: unknown): void {
    if (lease.settled) throw new Error('A buffer lease is settled once.');
    lease.settled = true;
    const held = answer === undefined ? new Set<ArrayBufferLike>() : reachableBuffers(answer);
    for (const buffer of lease.taken) {
      if (buffer.byteLength === 0) this.counts.detached++;
      else if (held.has(buffer)) this.counts.heldByAnswer++;
      else if (!this.free.includes(buffer)) {
        this.free.push(buffer);
        this.freeBytes += buffer.byteLength;
        this.counts.returned++;
      }
    }
    lease.taken.length = 0;
    while (this.freeBytes > this.maxBytes && this.free.length > 0) {
      this.freeBytes -= this.free.shift()!.byteLength;
      this.counts.evicted++;
    }
  }

  /** Drops every free buffer. */
  clear(): void {
    this.free.length = 0;
    this.freeBytes = 0;
  }

  /** The bytes held in free buffers. */
  get heldBytes(): number {
    return this.freeBytes;
  }

  /** A snapshot of what the pool has done. */
  stats(): PoolStats {
    return { ...this.counts };
  }
}
