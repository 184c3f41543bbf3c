/**
 * `npm run token -- --group admins [--group x] [--sub id] [--username name] [--email a@b.c] [--expires-in 3600] [--access]`:
 * prints a Cognito-style ID token (access token with --access) signed with the local endpoint's key from
 * `.local/`, creating the local credentials first if there are none. Send it as the Authorization header.
 */
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { signUserPoolToken } from '../local/auth/jwt.ts';
import { loadOrCreateAuthSettings } from '../local/auth/settings.ts';

const STATE_DIR = fileURLToPath(new URL('../.local', import.meta.url));

const { values } = parseArgs({
  options: {
    group: { type: 'string', multiple: true },
    sub: { type: 'string' },
    username: { type: 'string' },
    email: { type: 'string' },
    'expires-in': { type: 'string' },
    access: { type: 'boolean' },
  },
  strict: true,
});

const expiresIn = values['expires-in'] === undefined ? undefined : Number(values['expires-in']);
if (expiresIn !== undefined && !Number.isInteger(expiresIn)) {
  console.error(`--expires-in must be a whole number of seconds, got '${values['expires-in']}'`);
  process.exit(1);
}

const settings = loadOrCreateAuthSettings(STATE_DIR);
const token = signUserPoolToken(settings, {
  groups: values.group ?? [],
  tokenUse: values.access ? 'access' : 'id',
  ...(values.sub ? { sub: values.sub } : {}),
  ...(values.username ? { username: values.username } : {}),
  ...(values.email ? { email: values.email } : {}),
  ...(expiresIn !== undefined ? { expiresInSeconds: expiresIn } : {}),
});
console.log(token);
