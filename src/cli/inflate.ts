/**
 * zlib inflation for the WhatsApp decryptor on node:zlib, as a web TransformStream: measured
 * faster than Node's own DecompressionStream (and than fflate) and it buffers less.
 */
import { createInflate } from 'node:zlib';

export function nodeInflate(): TransformStream<Uint8Array, Uint8Array> {
  const inflate = createInflate({ chunkSize: 256 * 1024 });
  let failure: Error | undefined;
  inflate.on('error', (error) => {
    failure = error;
  });
  /** Settles when `start` has been processed or the inflater fails, whichever comes first. */
  const settle = (start: (done: (error?: Error | null) => void) => void) =>
    new Promise<void>((resolve, reject) => {
      if (failure) return reject(failure);
      const onError = (error: Error) => reject(error);
      inflate.once('error', onError);
      start((error) => {
        inflate.off('error', onError);
        if (error || failure) reject(error ?? failure);
        else resolve();
      });
    });
  return new TransformStream<Uint8Array, Uint8Array>({
    start(controller) {
      inflate.on('data', (data: Buffer) =>
        controller.enqueue(new Uint8Array(data.buffer, data.byteOffset, data.length)),
      );
    },
    transform: (chunk) => settle((done) => inflate.write(chunk, done)),
    flush: () =>
      settle((done) => {
        inflate.once('end', () => done());
        inflate.end();
      }),
  });
}
