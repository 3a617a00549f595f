/**
 * Single sign-on without a browser: Deming's `/auth/oidc/login`, the test identity provider's
 * login and consent forms (its development interactions), and back to Deming's callback, with
 * the cookies a browser would keep.
 */
import { createServer } from 'node:net';

/** A free loopback port, for a server whose callback URL must be configured before it starts. */
export async function freePort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', () => r()));
  const port = (s.address() as { port: number }).port;
  await new Promise((r) => s.close(r));
  return port;
}

/** Cookies by name for one site (paths ignored: the provider's differ per interaction, and a later one wins). */
export class CookieJar {
  private readonly cookies = new Map<string, string>();
  take(res: Response): void {
    for (const c of res.headers.getSetCookie()) {
      const [pair] = c.split(';');
      const i = pair.indexOf('=');
      const name = pair.slice(0, i).trim(),
        value = pair.slice(i + 1).trim();
      if (value === '' || /expires=Thu, 01 Jan 1970/i.test(c)) this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
  }
  header(): string {
    return [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
  }
  get(name: string): string | undefined {
    return this.cookies.get(name);
  }
}

/** Starts a sign-in at Deming: where the browser is sent, with Deming's cookies kept in the jar. */
export async function startSignIn(deming: string, jar: CookieJar): Promise<string> {
  const res = await fetch(`${deming}/auth/oidc/login`, { redirect: 'manual', headers: { cookie: jar.header(), connection: 'close' } });
  jar.take(res);
  const location = res.headers.get('location');
  if (res.status !== 302 || !location) throw new Error(`expected a redirect from /auth/oidc/login, got ${res.status}`);
  return new URL(location, deming).href;
}

/**
 * Signs in at the provider as `login` from its authorization URL, and brings the code back to
 * Deming's callback; returns Deming's answer (a redirect with the session cookie, or to /login?error=…).
 */
export async function finishSignIn(deming: string, demingJar: CookieJar, authorizationUrl: string, login: string): Promise<Response> {
  const provider = new CookieJar();
  let url = authorizationUrl;
  let form: URLSearchParams | null = null;
  for (let step = 0; step < 20; step++) {
    if (url.startsWith(deming)) {
      const res: Response = await fetch(url, { redirect: 'manual', headers: { cookie: demingJar.header(), connection: 'close' } });
      demingJar.take(res);
      return res;
    }
    const res: Response = await fetch(
      url,
      form
        ? {
            method: 'POST',
            redirect: 'manual',
            body: form,
            headers: { cookie: provider.header(), 'content-type': 'application/x-www-form-urlencoded' },
          }
        : { redirect: 'manual', headers: { cookie: provider.header() } },
    );
    provider.take(res);
    form = null;
    const location = res.headers.get('location');
    if (location) {
      url = new URL(location, url).href;
      continue;
    }
    const html: string = await res.text();
    const action = /<form[^>]*action="([^"]+)"/.exec(html)?.[1];
    const prompt = /name="prompt" value="([^"]+)"/.exec(html)?.[1];
    if (!action || !prompt) throw new Error(`the provider answered ${res.status} without a form to fill: ${html.slice(0, 300)}`);
    form = new URLSearchParams(prompt === 'login' ? { prompt, login, password: 'anything' } : { prompt });
    url = new URL(action, url).href;
  }
  throw new Error('single sign-on did not come back to Deming in 20 steps');
}
