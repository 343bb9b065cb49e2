import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { buildApp, type AppOptions } from './app.js';
import { defaultConfigDir, defaultDataDir } from './paths.js';
import { localhostCertificate, readCertificate } from './tls.js';

export interface ServerOptions extends Partial<Omit<AppOptions, 'https'>> {
  /** Default 3000; 0 picks a free port. */
  readonly port?: number;
  /** Default 127.0.0.1: only this machine can connect. */
  readonly host?: string;
  /** Plain HTTP instead of HTTPS (tests, or behind something that terminates TLS). */
  readonly http?: boolean;
  /** Where the localhost certificates are kept. */
  readonly configDir?: string;
  /** A certificate (and its key) the class's machines trust, instead of the localhost one. PEM files. */
  readonly certificate?: { readonly certPath: string; readonly keyPath: string };
}

export interface RunningServer {
  readonly app: FastifyInstance;
  /** e.g. https://localhost:3000, or the public URL when one was given. */
  readonly url: string;
  /** The address it listens on, e.g. https://0.0.0.0:3443. */
  readonly listening: string;
  readonly port: number;
  readonly dataDir: string;
  /** The localhost certificate, when it serves one. */
  readonly certificate?: { readonly caPath: string; readonly created: boolean };
  /** What may stop learners' machines from trusting the certificate given. */
  readonly warnings: readonly string[];
}

/** Starts the service: HTTPS on 127.0.0.1:3000 with the localhost certificate unless told otherwise. */
export async function startServer(options: ServerOptions = {}): Promise<RunningServer> {
  const host = options.host ?? '127.0.0.1';
  const dataDir = options.dataDir ?? defaultDataDir();
  const publicHost = options.publicUrl === undefined ? undefined : new URL(options.publicUrl).hostname;
  const given = options.http || !options.certificate ? undefined : await readCertificate(options.certificate.certPath, options.certificate.keyPath, publicHost);
  const localhost = options.http || given ? undefined : await localhostCertificate(join(options.configDir ?? defaultConfigDir(), 'certs'));
  const tls = given ?? localhost;
  const app = await buildApp({
    ...options,
    dataDir,
    host,
    ...(tls ? { https: { key: tls.key, cert: tls.cert } } : {}),
  });
  try {
    await app.listen({ port: options.port ?? 3000, host });
  } catch (error) {
    // Port taken, say: stop the runs the app may have resumed from its queue, then report.
    await app.close();
    throw error;
  }
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : (options.port ?? 3000);
  const shownHost = host.includes(':') ? `[${host}]` : host;
  const listening = `${tls ? 'https' : 'http'}://${shownHost}:${port}`;
  return {
    app,
    url: options.publicUrl ?? listening,
    listening,
    port,
    dataDir,
    warnings: given?.warnings ?? [],
    ...(localhost ? { certificate: { caPath: localhost.caPath, created: localhost.created } } : {}),
  };
}
