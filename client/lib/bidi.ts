/**
 * Names from events may carry right-to-left overrides (U+202E) or other bidirectional controls.
 * Shown inside a sentence, an override left open would reverse the rest of the sentence; wrapped
 * in first-strong isolate … pop directional isolate, it ends with the name. For plain-text places
 * that cannot hold an element (an `<option>`, a sentence built as one string); elements use CSS
 * `unicode-bidi: isolate` instead.
 */
export function isolate(text: string): string {
  return `\u2068${text}\u2069`;
}
