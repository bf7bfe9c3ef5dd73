/** Where the sealed chunks of the payload lie in a file (spec 4.2), checked against its size. */
import { TAG_LENGTH } from './crypto.ts';
import { CofferError } from './errors.ts';
import type { Header } from './header.ts';
import { MAX_CHUNKS } from './stream.ts';

export interface PayloadLayout {
  payloadOffset: number;
  chunkSize: number;
  sealedChunkSize: number;
  chunkCount: number;
  plaintextLength: number;
}

export function payloadLayout(header: Header, fileSize: number): PayloadLayout {
  const payloadBytes = fileSize - header.headerLength;
  const sealedChunkSize = header.chunkSize + TAG_LENGTH;
  const chunkCount = Math.ceil(payloadBytes / sealedChunkSize);
  const lastSealed = payloadBytes - (chunkCount - 1) * sealedChunkSize;
  if (payloadBytes <= TAG_LENGTH || lastSealed <= TAG_LENGTH) {
    throw new CofferError('truncated', 'This backup is cut short: its content ends early.');
  }
  if (chunkCount > MAX_CHUNKS)
    throw new CofferError('limit_exceeded', 'This backup has more chunks than the format allows.');
  return {
    payloadOffset: header.headerLength,
    chunkSize: header.chunkSize,
    sealedChunkSize,
    chunkCount,
    plaintextLength: payloadBytes - chunkCount * TAG_LENGTH,
  };
}
