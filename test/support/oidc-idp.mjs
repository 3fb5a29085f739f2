// A real OpenID provider (the certified `oidc-provider` package) for tests, on loopback.
// Env: IDP_REDIRECT_URI (the client's callback), IDP_USERS (JSON {login: {email, name, groups}}).
// Prints "ready: ISSUER" when it listens. Its development login form takes any password for a
// known login and then asks for consent, as a real IdP would.
import http from 'node:http';
import Provider from 'oidc-provider';

const users = JSON.parse(process.env.IDP_USERS ?? '{}');
const server = http.createServer();
await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
const issuer = `http://127.0.0.1:${server.address().port}`;

const provider = new Provider(issuer, {
  clients: [
    {
      client_id: 'refunds-dashboard',
      client_secret: 'idp-test-client-secret',
      redirect_uris: [process.env.IDP_REDIRECT_URI],
      grant_types: ['authorization_code'],
      response_types: ['code'],
      token_endpoint_auth_method: 'client_secret_basic',
    },
  ],
  scopes: ['openid', 'email', 'profile', 'groups'],
  claims: { openid: ['sub'], email: ['email', 'email_verified'], profile: ['name'], groups: ['groups'] },
  findAccount: async (_ctx, sub) => (users[sub] ? { accountId: sub, claims: async () => ({ sub, email_verified: true, ...users[sub] }) } : undefined),
  features: { devInteractions: { enabled: true } },
  pkce: { required: () => true },
  cookies: { keys: ['idp-test-cookie-key'] },
});
server.on('request', provider.callback());
process.stdout.write(`ready: ${issuer}\n`);
for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, () => server.close(() => process.exit(0)));
