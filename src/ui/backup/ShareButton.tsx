/**
 * Share: hands the finished .coffer file to the system share sheet (Drive, iCloud Drive, Files,
 * a messenger) where the browser can share files. Hidden, not disabled, where it cannot: what
 * `navigator.canShare({ files })` says for this very file decides (Chromium, for one, shares only
 * some file types).
 */
import { useState } from 'preact/hooks';

type ShareNavigator = Navigator & {
  canShare?: (data: ShareData) => boolean;
  share?: (data: ShareData) => Promise<void>;
};

export function canShareFile(file: File): boolean {
  const nav = navigator as ShareNavigator;
  if (typeof nav.share !== 'function' || typeof nav.canShare !== 'function') return false;
  try {
    return nav.canShare({ files: [file] });
  } catch {
    return false;
  }
}

export function ShareButton({ file }: { file: File }) {
  const [problem, setProblem] = useState<string>();
  if (!canShareFile(file)) return null;
  const share = async () => {
    setProblem(undefined);
    try {
      await (navigator as ShareNavigator).share?.({ files: [file], title: file.name });
    } catch (error) {
      // Closing the share sheet is a choice, not a failure.
      if (error instanceof DOMException && error.name === 'AbortError') return;
      setProblem(`Could not share the backup: ${error instanceof Error ? error.message : String(error)}`);
    }
  };
  return (
    <p>
      <button type="button" onClick={() => void share()}>
        Share backup
      </button>
      {problem && <span role="alert"> {problem}</span>}
    </p>
  );
}
