import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { buildApp, type AppOptions } from './app.js';
import { defaultConfigDir, defaultDataDir } from './paths.js';
import { localhostCertificate } from './tls.js';

export interface ServerOptions extends Partial<Omit<AppOptions, 'https'>> {
  /** Default 3000; 0 picks a free port. */
  readonly port?: number;
  /** Default 127.0.0.1: only this machine can connect. */
  readonly host?: string;
  /** Plain HTTP instead of HTTPS (tests, or behind something that terminates TLS). */
  readonly http?: boolean;
  /** Where the localhost certificates are kept. */
  readonly configDir?: string;
}

export interface RunningServer {
  readonly app: FastifyInstance;
  /** e.g. https://localhost:3000 */
  readonly url: string;
  readonly port: number;
  readonly dataDir: string;
  readonly certificate?: { readonly caPath: string; readonly created: boolean };
}

/** Starts the service: HTTPS on 127.0.0.1:3000 unless told otherwise. */
export async function startServer(options: ServerOptions = {}): Promise<RunningServer> {
  const host = options.host ?? '127.0.0.1';
  const dataDir = options.dataDir ?? defaultDataDir();
  const certificate = options.http ? undefined : await localhostCertificate(join(options.configDir ?? defaultConfigDir(), 'certs'));
  const app = await buildApp({
    ...options,
    dataDir,
    host,
    ...(certificate ? { https: { key: certificate.key, cert: certificate.cert } } : {}),
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
  const url = `${certificate ? 'https' : 'http'}://${shownHost}:${port}`;
  return { app, url, port, dataDir, ...(certificate ? { certificate: { caPath: certificate.caPath, created: certificate.created } } : {}) };
}
