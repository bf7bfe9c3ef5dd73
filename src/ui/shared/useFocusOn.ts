/**
 * Moves keyboard focus to what an action produced (the backup's result, the unlocked list, the
 * preview) when it appears, so keyboard and screen-reader users keep their place instead of
 * landing at the top of the page (issue 31 item 4). The element needs tabIndex={-1}.
 */
import { useEffect, useRef } from 'preact/hooks';

export function useFocusOn<T extends HTMLElement>(shown: unknown) {
  const ref = useRef<T>(null);
  useEffect(() => {
    if (shown) ref.current?.focus({ preventScroll: false });
  }, [shown]);
  return ref;
}
