/**
 * After a move to another page (not the first load, not a change of date range), focus goes
 * to the new page's heading, where a full page load would start reading: keyboard and screen
 * reader users are not left on a link that no longer exists.
 */
import { useEffect, useRef } from 'react';
import { useLocation } from 'react-router';

export function useRouteFocus(): void {
  const { pathname } = useLocation();
  const last = useRef(pathname);
  useEffect(() => {
    if (last.current === pathname) return;
    last.current = pathname;
    const main = document.getElementById('main');
    const target = main?.querySelector<HTMLElement>('h1') ?? main;
    if (!target) return;
    if (!target.hasAttribute('tabindex')) target.setAttribute('tabindex', '-1');
    target.focus();
  }, [pathname]);
}
