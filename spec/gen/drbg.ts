/**
 * A deterministic byte generator for test vectors: block i is SHA-256(seed || u64_be(i)), and the
 * seed is SHA-256 of a domain-separated label (usually the vector's name). Never use it for
 * anything but test vectors: its whole point is that anyone can reproduce its output.
 */
import { createHash } from 'node:crypto';

const DOMAIN = 'coffer/v1 test vectors\u0000';

export class Drbg {
  private readonly seed: Buffer;
  private counter = 0n;
  private pool = new Uint8Array(0);
  private position = 0;

  constructor(label: string) {
    this.seed = createHash('sha256')
      .update(DOMAIN + label, 'utf8')
      .digest();
  }

  bytes(length: number): Uint8Array {
    const out = new Uint8Array(length);
    let filled = 0;
    while (filled < length) {
      if (this.position === this.pool.length) {
        const counter = Buffer.alloc(8);
        counter.writeBigUInt64BE(this.counter++);
        this.pool = new Uint8Array(createHash('sha256').update(this.seed).update(counter).digest());
        this.position = 0;
      }
      const take = Math.min(length - filled, this.pool.length - this.position);
      out.set(this.pool.subarray(this.position, this.position + take), filled);
      filled += take;
      this.position += take;
    }
    return out;
  }

  /** The `random` option of the core's writer and header builder. */
  readonly random = (length: number): Uint8Array => this.bytes(length);
}
