import { X509Certificate, createPrivateKey, type KeyObject } from 'node:crypto';
import { chmod, readFile, rm } from 'node:fs/promises';
import { isIP } from 'node:net';
import { join } from 'node:path';
import { GradSheetError } from '@gradsheet/shared';

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

export interface GivenCertificate {
  readonly key: Buffer;
  readonly cert: Buffer;
  /** When it stops being valid. */
  readonly validTo: Date;
  /** Why learners' machines might refuse it (a host it does not name, a date it is not valid on); empty when none is known. */
  readonly warnings: readonly string[];
}

/**
 * `serve --cert FILE --key FILE`: a certificate the class's machines already trust
 * (PEM; the certificate file may carry its chain after it). Refused when a file
 * cannot be read, is not PEM, or the key is not the certificate's.
 */
export async function readCertificate(certPath: string, keyPath: string, publicHost?: string): Promise<GivenCertificate> {
  const read = async (path: string, flag: string) => {
    try {
      return await readFile(path);
    } catch (error) {
      throw new GradSheetError('INVALID_FILE', `${flag}: cannot read "${path}" (${(error as NodeJS.ErrnoException).code ?? String(error)})`);
    }
  };
  const [cert, key] = await Promise.all([read(certPath, '--cert'), read(keyPath, '--key')]);
  let x509: X509Certificate;
  try {
    x509 = new X509Certificate(cert);
  } catch {
    throw new GradSheetError('INVALID_FILE', `--cert: "${certPath}" is not a PEM certificate`);
  }
  let privateKey: KeyObject;
  try {
    privateKey = createPrivateKey(key);
  } catch {
    throw new GradSheetError('INVALID_FILE', `--key: "${keyPath}" is not a PEM private key (or it is protected by a passphrase)`);
  }
  if (!x509.checkPrivateKey(privateKey)) throw new GradSheetError('INVALID_FILE', `--key: "${keyPath}" is not the key of the certificate in "${certPath}"`);
  const warnings: string[] = [];
  const validTo = new Date(x509.validTo);
  if (validTo.getTime() < Date.now()) warnings.push(`the certificate expired on ${validTo.toISOString().slice(0, 10)}`);
  if (new Date(x509.validFrom).getTime() > Date.now()) warnings.push(`the certificate is not valid before ${x509.validFrom}`);
  if (publicHost !== undefined) {
    const bare = publicHost.replace(/^\[|\]$/g, '');
    const names = isIP(bare) ? x509.checkIP(bare) : x509.checkHost(bare);
    if (names === undefined) warnings.push(`the certificate does not name ${publicHost}, the host of --public-url: browsers and Office will refuse it`);
  }
  return { key, cert, validTo, warnings };
}
