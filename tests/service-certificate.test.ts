import { execFile } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import { request as httpsRequest } from 'node:https';
import type { TLSSocket } from 'node:tls';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer } from '@gradsheet/server';
import { gradsheet } from './support/cli.js';
import { tempDir } from './support/service.js';

/**
 * `gradsheet serve --cert FILE --key FILE --public-url https://host:port`: a class's
 * server with a certificate its machines trust (made here by openssl for a test name),
 * over a real socket.
 */

const run = promisify(execFile);
const HOST = 'gradsheet.test';

let dir: Awaited<ReturnType<typeof tempDir>>;
let hasOpenssl = true;
const files = { cert: '', key: '', otherCert: '', otherKey: '' };

/** A self-signed certificate for `names` (DNS names or IP addresses), valid for a day. */
async function certificate(name: string, names: string[]): Promise<{ cert: string; key: string }> {
  const cert = join(dir.path, `${name}.crt`);
  const key = join(dir.path, `${name}.key`);
  const san = names.map((n) => (/^[\d.]+$/.test(n) ? `IP:${n}` : `DNS:${n}`)).join(',');
  await run('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-days', '1', '-subj', `/CN=${names[0]}`, '-addext', `subjectAltName=${san}`, '-keyout', key, '-out', cert]);
  return { cert, key };
}

beforeAll(async () => {
  dir = await tempDir('gradsheet-cert-');
  try {
    ({ cert: files.cert, key: files.key } = await certificate('class', [HOST, '127.0.0.1']));
    ({ cert: files.otherCert, key: files.otherKey } = await certificate('other', ['elsewhere.test']));
  } catch {
    hasOpenssl = false;
  }
});
afterAll(() => dir?.remove());

/**
 * GET over HTTPS to 127.0.0.1 as a learner's machine would send it to the public
 * address (SNI gradsheet.test, trusting only `ca`), with `host` as the Host header:
 * the status and the certificate served.
 */
function get(port: number, path: string, options: { ca: Buffer; host: string; headers?: Record<string, string> }): Promise<{ status: number; fingerprint: string }> {
  return new Promise((resolve, reject) => {
    httpsRequest({ host: '127.0.0.1', port, path, servername: HOST, ca: options.ca, headers: { host: `${options.host}:3443`, ...options.headers } }, (response) => {
      const fingerprint = (response.socket as TLSSocket).getPeerCertificate().fingerprint256;
      response.resume();
      resolve({ status: response.statusCode ?? 0, fingerprint });
    })
      .on('error', reject)
      .end();
  });
}

describe('serving with a certificate of the class’s own', () => {
  it('serves the certificate given to clients that trust it, answering requests addressed to the public host', async ({ skip }) => {
    if (!hasOpenssl) skip();
    const dataDir = join(dir.path, 'open');
    const server = await startServer({ port: 0, dataDir, certificate: { certPath: files.cert, keyPath: files.key }, publicUrl: `https://${HOST}:3443` });
    try {
      expect(server.url).toBe(`https://${HOST}:3443`);
      expect(server.listening).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
      expect(server.warnings).toEqual([]);
      expect(server.certificate).toBeUndefined();
      const ca = await readFile(files.cert);
      const answer = await get(server.port, '/api/health', { ca, host: HOST });
      expect(answer.status).toBe(200);
      expect(answer.fingerprint).toBe(new X509Certificate(ca).fingerprint256);
      // Without accounts, the Host check stays: the public name is allowed, others are not.
      const other = await get(server.port, '/api/health', { ca, host: '127.0.0.1' });
      expect(other.status).toBe(200);
      expect((await get(server.port, '/api/health', { ca, host: 'evil.test' })).status).toBe(403);
    } finally {
      await server.app.close();
    }
  });

  it('with accounts, answers a learner’s token by the public address', async ({ skip }) => {
    if (!hasOpenssl) skip();
    const dataDir = join(dir.path, 'accounts');
    const added = await gradsheet(['users', 'add', 'ada', '--data-dir', dataDir]);
    const token = added.stdout.trimEnd().split('\n').at(-1) as string;
    const server = await startServer({ port: 0, dataDir, certificate: { certPath: files.cert, keyPath: files.key }, publicUrl: `https://${HOST}:3443` });
    try {
      const ca = await readFile(files.cert);
      expect((await get(server.port, '/api/runs', { ca, host: HOST, headers: { authorization: `Bearer ${token}` } })).status).toBe(200);
      expect((await get(server.port, '/api/runs', { ca, host: HOST })).status).toBe(401);
    } finally {
      await server.app.close();
    }
  });

  it('warns when the certificate does not name the public host', async ({ skip }) => {
    if (!hasOpenssl) skip();
    const server = await startServer({ port: 0, dataDir: join(dir.path, 'warn'), certificate: { certPath: files.otherCert, keyPath: files.otherKey }, publicUrl: `https://${HOST}:3443` });
    try {
      expect(server.warnings).toEqual([`the certificate does not name ${HOST}, the host of --public-url: browsers and Office will refuse it`]);
    } finally {
      await server.app.close();
    }
  });

  it('refuses, with exit 2 and a sentence, a key that is not the certificate’s, files that are not PEM, and flags that do not go together', async ({ skip }) => {
    if (!hasOpenssl) skip();
    const notPem = join(dir.path, 'not.pem');
    await writeFile(notPem, 'hello');
    const dataDir = join(dir.path, 'refused');
    for (const [flags, message] of [
      [['--cert', files.cert, '--key', files.otherKey], /--key: ".*other\.key" is not the key of the certificate in ".*class\.crt"/],
      [['--cert', notPem, '--key', files.key], /--cert: ".*not\.pem" is not a PEM certificate/],
      [['--cert', files.cert, '--key', notPem], /--key: ".*not\.pem" is not a PEM private key/],
      [['--cert', join(dir.path, 'missing.crt'), '--key', files.key], /--cert: cannot read ".*missing\.crt" \(ENOENT\)/],
      [['--cert', files.cert], /--cert and --key go together/],
      [['--cert', files.cert, '--key', files.key, '--http'], /--cert serves HTTPS; leave out --http/],
      [['--public-url', 'http://gradsheet.test'], /--public-url: "http:\/\/gradsheet.test" must start with https:\/\//],
    ] as const) {
      const result = await gradsheet(['serve', '--port', '0', '--data-dir', dataDir, ...flags]);
      expect(result.code, result.stderr).toBe(2);
      expect(result.stderr).toMatch(message);
    }
  });
});
