// A real OpenID Connect provider for Sala's sign-in tests: panva's certified `oidc-provider`,
// on plain http at 127.0.0.1, with one confidential client and a fixed list of accounts.
//
//   OIDC_CLIENT_ID=sala OIDC_CLIENT_SECRET=… OIDC_REDIRECT_URI=http://127.0.0.1:3000/oidc/callback \
//   OIDC_ACCOUNTS='[{"sub":"ana","email":"Ana@Uni.edu.co","email_verified":true,"name":"Ana"}]' \
//   node provider.mjs [--port 0]
//
// Every setting may also be given as an argument (--client-id, --client-secret, --redirect-uri,
// --accounts, --port). The first line on stdout is `listening http://127.0.0.1:PORT`; port 0
// (the default) picks a free one. Signing in uses the provider's own development pages: the login
// form accepts any password for a `sub` of the list, then a consent page ("Continue").
//
// OIDC_CLAIMS_IN_ID_TOKEN=1 puts email and name in the ID token too; by default, as the spec
// says for the code flow, they come only from the UserInfo endpoint.
import { generateKeyPairSync, randomBytes, randomUUID } from 'node:crypto';
import { createServer } from 'node:http';
import { parseArgs } from 'node:util';

import Provider from 'oidc-provider';

const { values: args } = parseArgs({
  options: {
    port: { type: 'string' },
    'client-id': { type: 'string' },
    'client-secret': { type: 'string' },
    'redirect-uri': { type: 'string' },
    accounts: { type: 'string' },
  },
});

function setting(arg, env, fallback) {
  const value = args[arg] ?? process.env[env] ?? fallback;
  if (value === undefined) {
    console.error(`provider.mjs: set ${env} or --${arg}`);
    process.exit(2);
  }
  return value;
}

const port = Number(setting('port', 'OIDC_PORT', '0'));
const clientId = setting('client-id', 'OIDC_CLIENT_ID');
const clientSecret = setting('client-secret', 'OIDC_CLIENT_SECRET');
const redirectUri = setting('redirect-uri', 'OIDC_REDIRECT_URI');
const accounts = new Map(
  JSON.parse(setting('accounts', 'OIDC_ACCOUNTS', '[]')).map((account) => [account.sub, account]),
);

// A fresh signing key per start (instead of the library's fixed development key), so a test can
// restart the provider on the same port and see its relying party cope with a key rotation.
const signingKey = {
  ...generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ format: 'jwk' }),
  kid: randomUUID(),
  use: 'sig',
  alg: 'RS256',
};

// Listen first: the issuer must name the port, which is only known once bound.
const server = createServer();
await new Promise((resolve) => server.listen(port, '127.0.0.1', resolve));
const issuer = `http://127.0.0.1:${server.address().port}`;

const provider = new Provider(issuer, {
  clients: [{
    client_id: clientId,
    client_secret: clientSecret,
    redirect_uris: [redirectUri],
    grant_types: ['authorization_code'],
    response_types: ['code'],
    token_endpoint_auth_method: 'client_secret_basic',
  }],
  jwks: { keys: [signingKey] },
  cookies: { keys: [randomBytes(32).toString('hex')] },
  claims: {
    openid: ['sub'],
    email: ['email', 'email_verified'],
    profile: ['name'],
  },
  conformIdTokenClaims: process.env.OIDC_CLAIMS_IN_ID_TOKEN !== '1',
  async findAccount(ctx, sub) {
    const account = accounts.get(sub);
    if (!account) return undefined;
    return {
      accountId: sub,
      async claims() {
        return {
          sub,
          email: account.email,
          email_verified: account.email_verified,
          name: account.name,
        };
      },
    };
  },
  // Development pages for login and consent (the library warns about them on stderr: expected).
  features: { devInteractions: { enabled: true } },
});

// An error page says little; the reason belongs in the test's output.
provider.on('server_error', (ctx, error) => console.error('server_error', error));
for (const event of ['authorization.error', 'grant.error', 'userinfo.error']) {
  provider.on(event, (ctx, error) => console.error(event, error.message, error.error_description ?? ''));
}

server.on('request', provider.callback());
console.log(`listening ${issuer}`);

for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => process.exit(0));
