import { X509Certificate } from 'node:crypto';
import { chmod, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';

export interface LocalhostCertificate {
  readonly key: Buffer;
  readonly cert: Buffer;
  /** The certificate authority that signed it: the file a learner may choose to trust. */
  readonly caPath: string;
  readonly created: boolean;
}

const VALID_DAYS = 365;
/** Renew this long before expiry, so a session never starts on a certificate about to lapse. */
const RENEW_BEFORE_MS = 14 * 24 * 3600 * 1000;

async function readIfFresh(paths: { ca: string; cert: string; key: string }): Promise<{ key: Buffer; cert: Buffer } | null> {
  try {
    const [cert, key] = await Promise.all([readFile(paths.cert), readFile(paths.key), readFile(paths.ca)]);
    const expires = new Date(new X509Certificate(cert).validTo).getTime();
    return expires - Date.now() > RENEW_BEFORE_MS ? { key, cert } : null;
  } catch {
    return null;
  }
}

/**
 * A self-signed certificate for localhost and 127.0.0.1, made on first use and
 * kept in `dir`. Made offline by office-addin-dev-certs; its CA is never
 * installed here (that needs administrator rights), only written to disk.
 */
export async function localhostCertificate(dir: string): Promise<LocalhostCertificate> {
  const paths = { ca: join(dir, 'ca.crt'), cert: join(dir, 'localhost.crt'), key: join(dir, 'localhost.key') };
  const existing = await readIfFresh(paths);
  if (existing) return { ...existing, caPath: paths.ca, created: false };
  // generateCertificates writes nothing while a CA file exists: clear the old set first.
  await Promise.all(Object.values(paths).map((path) => rm(path, { force: true })));
  const { generateCertificates } = await import('office-addin-dev-certs');
  await generateCertificates(paths.ca, paths.cert, paths.key, VALID_DAYS);
  await chmod(paths.key, 0o600);
  const [key, cert] = await Promise.all([readFile(paths.key), readFile(paths.cert)]);
  return { key, cert, caPath: paths.ca, created: true };
}
