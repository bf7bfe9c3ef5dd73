/**
 * A list that renders only the rows in view (plus a margin), for chats of 100,000 messages.
 * The list has a new key per chat, so measurements never carry over. Rows may be of any height: each is measured once shown and the estimate is used until then.
 * `jump` scrolls a row into view, and keeps it there while the rows around it are measured.
 */
import type { ComponentChildren } from 'preact';
import { useEffect, useLayoutEffect, useMemo, useRef, useState } from 'preact/hooks';

export interface VirtualListProps {
  count: number;
  estimate: number;
  row: (index: number) => ComponentChildren;
  label: string;
  /** Scroll so this row is in view; a new object each time, so the same row can be asked twice. */
  jump?: { index: number; align: 'start' | 'end' };
  class?: string;
}

const OVERSCAN = 600;

function firstAfter(offsets: Float64Array, y: number): number {
  let low = 0;
  let high = offsets.length - 1;
  while (low < high) {
    const mid = (low + high) >> 1;
    if (offsets[mid + 1] <= y) low = mid + 1;
    else high = mid;
  }
  return low;
}

export function VirtualList({ count, estimate, row, label, jump, class: className }: VirtualListProps) {
  const box = useRef<HTMLElement>(null);
  const heights = useRef(new Map<number, number>());
  const [version, setVersion] = useState(0);
  const [scrollTop, setScrollTop] = useState(0);
  const [viewport, setViewport] = useState(600);
  const pendingJump = useRef<{ index: number; align: 'start' | 'end' } | undefined>(undefined);
  const lastSet = useRef(-1);

  // Measurement: one observer for all shown rows; changes are applied once per frame.
  const observer = useMemo(() => {
    let frame = 0;
    return new ResizeObserver((entries) => {
      let changed = false;
      for (const entry of entries) {
        const index = Number((entry.target as HTMLElement).dataset.index);
        const height = (entry.target as HTMLElement).offsetHeight;
        if (height > 0 && heights.current.get(index) !== height) {
          heights.current.set(index, height);
          changed = true;
        }
      }
      if (changed && !frame)
        frame = requestAnimationFrame(() => {
          frame = 0;
          setVersion((v) => v + 1);
        });
    });
  }, []);
  useEffect(() => () => observer.disconnect(), [observer]);

  const offsets = useMemo(() => {
    const result = new Float64Array(count + 1);
    for (let i = 0; i < count; i++) result[i + 1] = result[i] + (heights.current.get(i) ?? estimate);
    return result;
  }, [count, estimate, version]);

  useLayoutEffect(() => {
    const element = box.current;
    if (!element) return;
    const resize = new ResizeObserver(() => setViewport(element.clientHeight || 600));
    resize.observe(element);
    return () => resize.disconnect();
  }, []);

  const scrollToRow = (index: number, align: 'start' | 'end') => {
    const element = box.current;
    if (!element || count === 0) return;
    const safe = Math.max(0, Math.min(count - 1, index));
    const top = align === 'start' ? offsets[safe] : offsets[safe + 1] - element.clientHeight;
    element.scrollTop = Math.max(0, top);
    lastSet.current = element.scrollTop;
    setScrollTop(element.scrollTop);
  };

  useLayoutEffect(() => {
    if (!jump) return;
    pendingJump.current = jump;
    scrollToRow(jump.index, jump.align);
  }, [jump]);

  // Rows near the target were measured (or their messages arrived) and the offsets moved: aim
  // again, until the person scrolls. Measurements settle, so this ends.
  useLayoutEffect(() => {
    const pending = pendingJump.current;
    if (pending) scrollToRow(pending.index, pending.align);
  }, [version]);

  const start = count === 0 ? 0 : firstAfter(offsets, Math.max(0, scrollTop - OVERSCAN));
  let end = start;
  while (end < count && offsets[end] < scrollTop + viewport + OVERSCAN) end++;
  const shown = [];
  for (let index = start; index < end; index++) {
    shown.push(
      <li
        key={index}
        class="virtual-row"
        data-index={index}
        style={{ top: `${offsets[index]}px` }}
        ref={(element: HTMLLIElement | null) => {
          if (element) observer.observe(element);
        }}
      >
        {row(index)}
      </li>,
    );
  }
  return (
    <section
      ref={box}
      class={`virtual-list ${className ?? ''}`}
      aria-label={label}
      // biome-ignore lint/a11y/noNoninteractiveTabindex: a scrolling region must be reachable by keyboard (WCAG 2.1.1).
      tabIndex={0}
      onScroll={(event) => {
        const top = event.currentTarget.scrollTop;
        // The person scrolled (not this component): stop aiming at the jump target.
        if (Math.abs(top - lastSet.current) > 2) pendingJump.current = undefined;
        setScrollTop(top);
      }}
    >
      <ul class="virtual-space" style={{ height: `${offsets[count]}px` }}>
        {shown}
      </ul>
    </section>
  );
}
