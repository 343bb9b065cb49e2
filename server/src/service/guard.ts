import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyPluginAsync, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { SERVICE_ERRORS } from './errors.js';

export interface GuardOptions {
  /** When set, every /api request needs `Authorization: Bearer <token>`. */
  readonly token?: string;
  /** Other web origins allowed to call the API, e.g. a task pane served elsewhere. */
  readonly allowedOrigins: readonly string[];
  /** Extra host names the service answers to, besides the loopback names. */
  readonly allowedHosts: readonly string[];
}

const LOOPBACK_HOSTS = ['localhost', '127.0.0.1', '[::1]'];

function hostName(host: string): string {
  return host.replace(/:\d+$/, '').toLowerCase();
}

const digest = (text: string) => createHash('sha256').update(text).digest();

/**
 * Who may use the service, checked before anything else (before a body is read):
 * - a web page on another site may not drive it (Origin);
 * - without a token, nor reach it through a DNS name that points at this machine
 *   (Host, against DNS rebinding). With a token the Host check is unnecessary (such a
 *   page cannot know the token) and would lock out the students of a teacher's
 *   shared server, who reach it by its own name;
 * - with a token, every /api request must carry it; compared in constant time.
 */
const guardPlugin: FastifyPluginAsync<GuardOptions> = async (app, options) => {
  const hosts = new Set([...LOOPBACK_HOSTS, ...options.allowedHosts.map(hostName)]);
  const origins = new Set(options.allowedOrigins);
  const expected = options.token === undefined ? null : digest(options.token);

  const tokenMatches = (request: FastifyRequest): boolean => {
    const header = request.headers.authorization ?? '';
    const match = /^Bearer (\S+)$/.exec(header);
    // Hashing both sides gives equal lengths, so the comparison takes the same time whatever was sent.
    return timingSafeEqual(digest(match?.[1] ?? ''), expected as Buffer) && match !== null;
  };

  app.addHook('onRequest', async (request) => {
    if (!expected && !hosts.has(hostName(request.host))) throw new SERVICE_ERRORS.GS_ERR_HOST_REFUSED(request.host);
    const origin = request.headers.origin;
    if (origin !== undefined && origin !== `${request.protocol}://${request.host}` && !origins.has(origin)) {
      throw new SERVICE_ERRORS.GS_ERR_ORIGIN_REFUSED(origin);
    }
    // Preflight requests carry no credentials; the request that follows does.
    const path = request.routeOptions.url ?? request.url;
    if (expected && path.startsWith('/api') && request.method !== 'OPTIONS' && !tokenMatches(request)) {
      throw new SERVICE_ERRORS.GS_ERR_UNAUTHORIZED();
    }
  });
};

export const guard = fp(guardPlugin, { name: 'gradsheet-guard', fastify: '5.x' });
