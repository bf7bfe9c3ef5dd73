/**
 * Image previews. A blob: URL of an OPFS file reads the file only when the <img> loads it, so
 * the temporary file cannot be removed before then (it was, and the preview broke). The bytes
 * (at most MAX_PREVIEW) are copied into memory first, so the decrypted temporary file can be
 * removed at once, and the URL is revoked when the preview closes or is replaced.
 */
export async function imageUrl(file: Blob): Promise<string> {
  return URL.createObjectURL(new Blob([await file.arrayBuffer()]));
}

export function releaseImageUrl(url: string | undefined): void {
  if (url) URL.revokeObjectURL(url);
}
