/** What the fakes of code hosts (test/fakes/github, test/fakes/gitlab) answer alike: a body with its length, and a connection that fails. */
import type { ServerResponse } from 'node:http';

/** Sends a JSON (or text) body with its length, noting the status in the request log. */
export function send(
  res: ServerResponse,
  log: { status: number } | null,
  status: number,
  body: unknown,
  type = 'application/json; charset=utf-8',
): void {
  if (log) log.status = status;
  const text = typeof body === 'string' ? body : JSON.stringify(body);
  res.writeHead(status, { 'content-type': type, 'content-length': Buffer.byteLength(text) }).end(text);
}

/** A connection reset before any answer (status -1 in the log), or a JSON page cut short in the middle (-2). */
export function sendBrokenConnection(
  res: ServerResponse,
  log: { status: number },
  kind: 'reset' | 'truncate',
  type = 'application/json; charset=utf-8',
): void {
  if (kind === 'reset') {
    log.status = -1;
    res.socket?.destroy();
    return;
  }
  log.status = -2;
  const text = JSON.stringify([{ id: 1, message: 'this page is cut short in the middle of its body, as a dropped connection leaves it' }]);
  res.writeHead(200, { 'content-type': type, 'content-length': Buffer.byteLength(text) });
  res.write(text.slice(0, text.length >> 1));
  setTimeout(() => res.socket?.destroy(), 5);
}
