/** A real OpenID Connect provider (the `oidc-provider` package) on a loopback port, for sign-in tests. */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import Provider from 'oidc-provider';

export interface TestProvider {
  issuer: string;
  close(): Promise<void>;
}

/** Every account is called by its login name; its groups come from `groupsOf`. */
export async function startOidcProvider(
  client: { clientId: string; clientSecret: string; redirectUri: string },
  groupsOf: (login: string) => string[],
): Promise<TestProvider> {
  const http: Server = createServer();
  await new Promise<void>((r) => http.listen(0, '127.0.0.1', () => r()));
  const issuer = `http://127.0.0.1:${(http.address() as AddressInfo).port}`;
  const provider = new Provider(issuer, {
    clients: [
      {
        client_id: client.clientId,
        client_secret: client.clientSecret,
        redirect_uris: [client.redirectUri],
        grant_types: ['authorization_code'],
        response_types: ['code'],
        token_endpoint_auth_method: 'client_secret_post',
      },
    ],
    claims: { openid: ['sub'], profile: ['preferred_username', 'groups'] },
    // Put the profile claims in the ID token itself, where Deming reads them.
    conformIdTokenClaims: false,
    findAccount: async (_ctx, id) => ({ accountId: id, claims: async () => ({ sub: id, preferred_username: id, groups: groupsOf(id) }) }),
    features: { devInteractions: { enabled: true } },
  });
  const handle = provider.callback();
  http.on('request', (req, res) => {
    void handle(req, res);
  });
  return { issuer, close: () => new Promise((r) => http.close(() => r())) };
}
