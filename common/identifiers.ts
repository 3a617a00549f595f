/**
 * What an identifier may hold (DESIGN.md, "Security"), shared by the event schema
 * (./events.ts), its fast path (./events-fast.ts), the organisation's configuration and the
 * scopes of the API, so that every door applies the same rule.
 *
 * - Identifiers (ids, sources, environments, job names, branches, severities): any printable
 *   text with ordinary spaces, but no control character (C0, DEL, C1), no invisible or format
 *   character (zero-width space and joiners, bidi controls, the BOM, soft hyphen, variation
 *   selectors, fillers...), no other kind of space, and no lone surrogate.
 * - Free text (an incident's title): ordinary white space (space, tab, line breaks) and format
 *   characters (the joiners of emoji, the marks of right-to-left text) stay; no other control
 *   character, no lone surrogate and no bidi embedding, override or isolate.
 * - Service names: normalised to NFC, then Unicode letters and digits (with their combining
 *   marks) and `.` `_` `-` `/` `@` `:` `+`; at least one letter or digit; path segments joined by
 *   single slashes (no `//`, no `/` at the end, no segment of dots alone; a leading `/` is kept for
 *   CDEvents sources such as `/ci/deploy`); no compatibility form (fullwidth letters, ligatures,
 *   superscripts) that NFKC would change into a plainer letter. They are matched by
 *   {@link serviceKey}: the same name in another case or Unicode form is the same service.
 */

/** Control, format, surrogate, separator, default-ignorable and non-ASCII space characters. */
const NOT_IN_IDENTIFIER = /[\p{Cc}\p{Cf}\p{Cs}\p{Zl}\p{Zp}\p{Default_Ignorable_Code_Point}\u00a0\u1680\u2000-\u200a\u202f\u205f\u3000]/u;
/** Control characters but tab and line breaks, lone surrogates, and the bidi embeddings, overrides and isolates. */
const NOT_IN_TEXT = /[\0-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\p{Cs}\u202a-\u202e\u2066-\u2069]/u;
/** Printable ASCII: needs no Unicode check. */
const PRINTABLE_ASCII = /^[\x20-\x7e]*$/;

/** `U+200B`: how a refused character is named in a message. */
export function codePointName(ch: string): string {
  return `U+${ch.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}`;
}

/** Why `s` is not an identifier (a message naming the first bad character), or null when it is. */
export function identifierProblem(s: string): string | null {
  if (PRINTABLE_ASCII.test(s)) return null;
  const bad = NOT_IN_IDENTIFIER.exec(s);
  return bad ? `contains ${codePointName(bad[0])}, a control, invisible or unusual space character: remove it` : null;
}

/** Why `s` is not acceptable free text, or null when it is. */
export function textProblem(s: string): string | null {
  if (PRINTABLE_ASCII.test(s)) return null;
  const bad = NOT_IN_TEXT.exec(s);
  return bad ? `contains ${codePointName(bad[0])}, a control character: remove it` : null;
}

/** The characters a service name is made of, as the README and the messages say it. */
export const SERVICE_CHARACTERS = 'letters, digits and . _ - / @ : +';
const SERVICE_ASCII = /^\/?[A-Za-z0-9._\-@:+]+(?:\/[A-Za-z0-9._\-@:+]+)*$/;
const SERVICE_CHARACTER = /^[\p{L}\p{M}\p{Nd}._\-/@:+]$/u;
const LETTER_OR_DIGIT = /[\p{L}\p{Nd}]/u;
const DOTS_ONLY = /(?:^|\/)\.+(?:\/|$)/;

/** A service name as stored and compared: NFC (an ASCII name is already). */
export function normaliseServiceName(s: string): string {
  return PRINTABLE_ASCII.test(s) ? s : s.normalize('NFC');
}

/**
 * Why an NFC service name (see {@link normaliseServiceName}) is not acceptable, or null. The
 * message names the first character or the part that is wrong, and the fix.
 */
export function serviceNameProblem(name: string): string | null {
  if (SERVICE_ASCII.test(name)) {
    if (!DOTS_ONLY.test(name) && LETTER_OR_DIGIT.test(name)) return null;
  } else {
    const invisible = NOT_IN_IDENTIFIER.exec(name);
    if (invisible) return `contains ${codePointName(invisible[0])}, a control, invisible or space character: remove it`;
    for (const ch of name) {
      if (!SERVICE_CHARACTER.test(ch))
        return `contains "${ch}" (${codePointName(ch)}): a service name is made of ${SERVICE_CHARACTERS}, such as "group/sub/project"`;
      const plain = ch.normalize('NFKC');
      if (plain !== ch) return `contains "${ch}" (${codePointName(ch)}), a compatibility form of "${plain}": write "${plain}"`;
    }
  }
  if (name.includes('//') || name.endsWith('/'))
    return 'has an empty path segment ("//" or a "/" at the end): write it as "group/sub/project"';
  if (DOTS_ONLY.test(name)) return 'has a path segment of dots alone ("." or ".."): name the segment';
  if (!LETTER_OR_DIGIT.test(name)) return 'must contain a letter or a digit';
  return null;
}

/**
 * The key services are matched by: NFC, then the lower case of the upper case (the same in
 * every locale; upper-casing first folds the letters whose cases are not one to one, so `ß` and
 * `SS`, `ς` and `Σ` match), then NFC again (case mapping may decompose). `Acme/Web`, `acme/web`
 * and the NFD spelling of a name are one service.
 */
export function serviceKey(name: string): string {
  return PRINTABLE_ASCII.test(name) ? name.toLowerCase() : name.normalize('NFC').toUpperCase().toLowerCase().normalize('NFC');
}
