/**
 * A wide table on a narrow screen: it scrolls sideways inside its own region, which takes the
 * keyboard focus (the arrow keys scroll it), keeps its first column in place (`.sticky-first`),
 * and says in words, and by a shadow at the edge, that more columns wait to the side.
 */
import { useCallback, useEffect, useRef, useState, type ReactNode } from 'react';

interface Props {
  /** The region's name: what the table holds ("Departments"). */
  label: string;
  children: ReactNode;
  testId?: string;
}

export function ScrollTable({ label, children, testId }: Props) {
  const box = useRef<HTMLDivElement>(null);
  const [more, setMore] = useState({ left: false, right: false });
  const measure = useCallback(() => {
    const el = box.current;
    if (!el) return;
    const right = el.scrollLeft + el.clientWidth < el.scrollWidth - 1;
    const left = el.scrollLeft > 1;
    setMore((m) => (m.left === left && m.right === right ? m : { left, right }));
  }, []);
  useEffect(() => {
    const el = box.current;
    if (!el) return;
    measure();
    const observer = new ResizeObserver(measure);
    observer.observe(el);
    if (el.firstElementChild) observer.observe(el.firstElementChild);
    return () => observer.disconnect();
  }, [measure]);
  const scrolls = more.left || more.right;
  return (
    <div className="scroll-table" data-more-left={more.left || undefined} data-more-right={more.right || undefined}>
      {scrolls && (
        <p className="scroll-cue" data-testid="scroll-cue" aria-hidden="true">
          {more.right
            ? 'More columns to the right: swipe, or select the table and use the arrow keys →'
            : '← Back to the first columns: swipe, or use the arrow keys'}
        </p>
      )}
      {/* Focusable only when it scrolls, so it is no stop on the way when all of it shows. */}
      <div
        className="table-scroll"
        ref={box}
        onScroll={measure}
        data-testid={testId}
        {...(scrolls ? { tabIndex: 0, role: 'region', 'aria-label': `${label}, table: scrolls sideways` } : {})}
      >
        {children}
      </div>
    </div>
  );
}
