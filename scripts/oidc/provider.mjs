// The OpenID provider the SSO tests sign in against: `oidc-provider` from npm (a certified
// implementation), configured here and nothing more. Started by the tests:
//
//   node scripts/oidc/provider.mjs <config.json>
//
// config.json: {
//   "issuer": "http://127.0.0.1:<port>"   (optional: the address the provider names itself
//                                          by, when the tests put a proxy in front of it),
//   "port": 0                              (optional: 0 picks a free loopback port),
//   "clients": [{ "client_id", "client_secret", "redirect_uris": [...] }],
//   "accounts": { "<login>": { "email", "email_verified", "name" } },
//   "id_token_ttl": 3600                   (optional, seconds)
// }
//
// It listens on 127.0.0.1 only and prints one line of JSON when it is ready:
// {"port": <port>, "issuer": "<issuer>"}. Its login page is the package's own development
// interaction: any password is accepted for a login named in `accounts`; a login not named
// there is refused by `findAccount`.

import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';

import Provider from 'oidc-provider';

const config = JSON.parse(readFileSync(process.argv[2], 'utf8'));
const accounts = config.accounts ?? {};

const server = createServer();
await new Promise((resolve) => server.listen(config.port ?? 0, '127.0.0.1', resolve));
const { port } = server.address();
const issuer = config.issuer ?? `http://127.0.0.1:${port}`;

const provider = new Provider(issuer, {
  clients: config.clients.map((client) => ({
    grant_types: ['authorization_code'],
    response_types: ['code'],
    token_endpoint_auth_method: 'client_secret_basic',
    ...client,
  })),
  async findAccount(ctx, id) {
    const account = accounts[id];
    if (!account) return undefined;
    return {
      accountId: id,
      async claims() {
        return { sub: id, ...account };
      },
    };
  },
  claims: { openid: ['sub'], email: ['email', 'email_verified'], profile: ['name'] },
  pkce: { required: () => true },
  ttl: { IdToken: config.id_token_ttl ?? 3600 },
  // The tests speak plain HTTP on loopback.
  cookies: { keys: ['orgdesk-test-provider'] },
  features: { devInteractions: { enabled: true } },
});
// Every login form post is checked against the accounts above: the development
// interaction itself accepts any login.
provider.on('server_error', (ctx, err) => console.error('server_error', err));
server.on('request', provider.callback());
console.log(JSON.stringify({ port, issuer }));
