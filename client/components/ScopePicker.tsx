/**
 * Jump to any place: the executive summary, the organisation, a department, a team or a service.
 * An editable combobox (WAI-ARIA's "combobox with list autocomplete"): type part of a name (or of
 * its team or department) to filter, the arrow keys move through the matches, Enter goes there,
 * Escape closes the list and then clears the text. Only the best {@link SHOWN} matches are in the
 * list, so it stays quick with thousands of services.
 */
import { useId, useMemo, useRef, useState, type KeyboardEvent } from 'react';
import { useLocation, useNavigate } from 'react-router';
import { useOrg } from '../hooks/useOrg';
import { isolate } from '../lib/bidi';
import { loopsPath, parseSectionPath, withoutLoop } from '../lib/loops-paths';
import { pathForScope, scopeFromPath } from '../lib/scope';
import { placeKindName, placesOf, searchPlaces, SUMMARY, type Place } from '../lib/scope-search';

/** How many matches the list shows at once. */
export const SHOWN = 50;

export function ScopePicker() {
  const id = useId();
  const org = useOrg().data;
  const { pathname, search } = useLocation();
  const navigate = useNavigate();
  const places = useMemo(() => (org ? placesOf(org) : []), [org]);
  // On a loops or retro page, another scope opens that scope's loops (a loop picked means nothing there).
  const section = parseSectionPath(pathname);
  const currentKey = pathname === '/' ? SUMMARY : (section?.scope ?? scopeFromPath(pathname) ?? '');
  const current = places.find((p) => p.key === currentKey) ?? null;

  const [query, setQuery] = useState<string | null>(null); // null: not typing, the field shows where the page is
  const [open, setOpen] = useState(false);
  const [active, setActive] = useState(-1);
  const input = useRef<HTMLInputElement>(null);
  const list = useRef<HTMLUListElement>(null);
  const { matches, total } = useMemo(() => searchPlaces(places, query ?? '', SHOWN), [places, query]);

  const close = () => {
    setOpen(false);
    setActive(-1);
    setQuery(null);
  };
  const go = (p: Place) => {
    close();
    input.current?.blur();
    if (p.key === SUMMARY) void navigate({ pathname: '/', search });
    else if (section) void navigate({ pathname: loopsPath(p.key), search: withoutLoop(search) });
    else void navigate({ pathname: pathForScope(p.key), search });
  };
  const moveTo = (i: number) => {
    setActive(i);
    list.current?.children[i]?.scrollIntoView({ block: 'nearest' });
  };
  const onKeyDown = (e: KeyboardEvent<HTMLInputElement>) => {
    const last = matches.length - 1;
    if (e.key === 'ArrowDown') {
      e.preventDefault();
      if (!open) {
        setOpen(true);
        if (!e.altKey) moveTo(0);
        return;
      }
      moveTo(active >= last ? 0 : active + 1);
    } else if (e.key === 'ArrowUp') {
      e.preventDefault();
      if (!open) {
        setOpen(true);
        moveTo(last);
        return;
      }
      moveTo(active <= 0 ? last : active - 1);
    } else if (e.key === 'Enter') {
      if (!open) return;
      e.preventDefault();
      const chosen = matches[active] ?? (query ? matches[0] : undefined);
      if (chosen) go(chosen);
    } else if (e.key === 'Escape') {
      if (open) {
        e.preventDefault();
        setOpen(false);
        setActive(-1);
      } else if (query !== null) {
        e.preventDefault();
        setQuery(null);
      }
    }
  };

  const listId = `${id}-list`;
  const optionId = (i: number) => `${id}-option-${i}`;
  const expanded = open && places.length > 0;
  return (
    <div className="field scope-picker" data-testid="scope-picker-field">
      <label htmlFor={id}>
        Show <span className="hint">(type to search)</span>
      </label>
      <div className="combobox">
        <input
          id={id}
          ref={input}
          type="text"
          role="combobox"
          autoComplete="off"
          spellCheck={false}
          dir="auto"
          aria-autocomplete="list"
          aria-expanded={expanded}
          aria-controls={listId}
          aria-activedescendant={expanded && active >= 0 ? optionId(active) : undefined}
          aria-describedby={`${id}-hint`}
          disabled={!org}
          data-testid="scope-picker"
          data-scope={currentKey}
          value={query ?? current?.name ?? ''}
          placeholder="Choose a scope"
          onFocus={(e) => e.currentTarget.select()}
          onChange={(e) => {
            setQuery(e.target.value);
            setOpen(true);
            setActive(e.target.value.trim() ? 0 : -1);
          }}
          onKeyDown={onKeyDown}
          onBlur={close}
          onClick={() => setOpen(true)}
        />
        <span id={`${id}-hint`} className="visually-hidden">
          Type part of a name, then use the up and down arrow keys and Enter.
        </span>
        <div className="combobox-popup" hidden={!expanded}>
          <ul id={listId} ref={list} role="listbox" aria-label="Places to show" className="combobox-list" data-testid="scope-options">
            {expanded &&
              matches.map((p, i) => (
                <li
                  key={p.key}
                  id={optionId(i)}
                  role="option"
                  aria-selected={i === active}
                  data-key={p.key}
                  className={`combobox-option${i === active ? ' combobox-active' : ''}${p.key === currentKey ? ' combobox-current' : ''}`}
                  // Chosen on press, before the field loses the focus.
                  onMouseDown={(e) => {
                    e.preventDefault();
                    go(p);
                  }}
                >
                  <span className="combobox-name">{isolate(p.name)}</span>
                  <span className="combobox-context">
                    {placeKindName(p.kind)}
                    {p.context ? `: ${isolate(p.context)}` : ''}
                  </span>
                </li>
              ))}
          </ul>
          {expanded && total > SHOWN && (
            <p className="combobox-more" aria-hidden="true">
              {total - SHOWN} more: type more of the name to narrow.
            </p>
          )}
          {expanded && total === 0 && (
            <p className="combobox-more" aria-hidden="true">
              No place matches “{query}”.
            </p>
          )}
        </div>
        <p className="visually-hidden" aria-live="polite" data-testid="scope-count">
          {expanded
            ? total === 0
              ? 'No place matches.'
              : `${total} ${total === 1 ? 'place matches' : 'places match'}${total > SHOWN ? `; the first ${SHOWN} are listed, type more to narrow` : ''}.`
            : ''}
        </p>
      </div>
    </div>
  );
}
