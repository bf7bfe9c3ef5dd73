/** Glue between async iterables (what the core's stages are written as) and WHATWG streams. */

export type ByteSource = AsyncIterable<Uint8Array> | Iterable<Uint8Array> | ReadableStream<Uint8Array>;

export async function* iterateBytes(source: ByteSource): AsyncGenerator<Uint8Array> {
  if (source instanceof ReadableStream) {
    const reader = source.getReader();
    try {
      for (;;) {
        const { done, value } = await reader.read();
        if (done) return;
        if (value.length > 0) yield value;
      }
    } finally {
      // Releasing (not cancelling) would leave the file open after an early exit.
      await reader.cancel().catch(() => {});
    }
  }
  yield* source as AsyncIterable<Uint8Array>;
}

/** Pull-based: nothing is produced until the consumer asks, so memory follows the consumer. */
export function toReadableStream(generator: AsyncGenerator<Uint8Array>): ReadableStream<Uint8Array> {
  return new ReadableStream<Uint8Array>(
    {
      async pull(controller) {
        const { done, value } = await generator.next();
        if (done) controller.close();
        else controller.enqueue(value);
      },
      async cancel() {
        await generator.return(undefined);
      },
    },
    { highWaterMark: 0 },
  );
}

/** Re-cuts a byte source into pieces of at most `size` bytes (tests feed tiny pieces). */
export async function* rechunk(source: ByteSource, size: number): AsyncGenerator<Uint8Array> {
  for await (const piece of iterateBytes(source)) {
    for (let offset = 0; offset < piece.length; offset += size) yield piece.subarray(offset, offset + size);
  }
}
