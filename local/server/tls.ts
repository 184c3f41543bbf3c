/**
 * The local certificate: aws-amplify v6 always dials `wss://` for subscriptions, so the endpoint's port
 * also answers TLS. Made once at first start and kept under .local/ so clients can trust it.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { generate } from 'selfsigned';

/** A PEM key and certificate. */
export interface Certificate {
  readonly key: string;
  readonly cert: string;
  /** Where the certificate is stored, for NODE_EXTRA_CA_CERTS. */
  readonly certPath: string;
}

/** Loads the local certificate from `dir`, creating it for localhost and 127.0.0.1 on first use. */
export async function loadOrCreateCertificate(dir: string): Promise<Certificate> {
  const keyPath = join(dir, 'tls-key.pem');
  const certPath = join(dir, 'tls-cert.pem');
  if (existsSync(keyPath) && existsSync(certPath)) {
    return { key: readFileSync(keyPath, 'utf8'), cert: readFileSync(certPath, 'utf8'), certPath };
  }
  const pems = await generate([{ name: 'commonName', value: 'localhost' }], {
    keySize: 2048,
    algorithm: 'sha256',
    notAfterDate: new Date(Date.now() + 825 * 86_400_000),
    extensions: [
      { name: 'basicConstraints', cA: false },
      {
        name: 'subjectAltName',
        altNames: [
          { type: 2, value: 'localhost' },
          { type: 7, ip: '127.0.0.1' },
        ],
      },
    ],
  } as Parameters<typeof generate>[1]);
  mkdirSync(dir, { recursive: true });
  writeFileSync(keyPath, pems.private, { mode: 0o600 });
  writeFileSync(certPath, pems.cert);
  return { key: pems.private, cert: pems.cert, certPath };
}
