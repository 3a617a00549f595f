/** An RFC 4180 reader for tests, so CSV is checked by a parser rather than by eye. */

/**
 * A strict RFC 4180 reader: CRLF between records, fields quoted with `"` when they hold a comma,
 * a quote or a line break, `""` for a quote inside. Anything else is an error, not a guess.
 */
export function parseCsv(text: string): string[][] {
  const records: string[][] = [];
  let record: string[] = [];
  let i = 0;
  const at = () => `at offset ${i}`;
  while (i < text.length) {
    let field = '';
    if (text[i] === '"') {
      i++;
      for (;;) {
        if (i >= text.length) throw new Error(`unterminated quoted field ${at()}`);
        if (text[i] === '"') {
          if (text[i + 1] === '"') {
            field += '"';
            i += 2;
            continue;
          }
          i++;
          break;
        }
        field += text[i++];
      }
      if (i < text.length && text[i] !== ',' && !text.startsWith('\r\n', i)) throw new Error(`text after a closing quote ${at()}`);
    } else {
      while (i < text.length && text[i] !== ',' && !text.startsWith('\r\n', i)) {
        if (text[i] === '"' || text[i] === '\n' || text[i] === '\r')
          throw new Error(`bare ${JSON.stringify(text[i])} in an unquoted field ${at()}`);
        field += text[i++];
      }
    }
    record.push(field);
    if (text[i] === ',') {
      i++;
      if (i === text.length) record.push('');
      continue;
    }
    if (text.startsWith('\r\n', i)) i += 2;
    records.push(record);
    record = [];
  }
  return records;
}

/** Records → objects keyed by the header. */
export const csvObjects = (records: string[][]) => records.slice(1).map((r) => Object.fromEntries(records[0].map((h, i) => [h, r[i]])));
