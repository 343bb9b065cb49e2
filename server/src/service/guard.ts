import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyPluginAsync, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import type { Authenticator } from './accounts/authenticator.js';
import type { DownloadLinks } from './accounts/download-links.js';
import { LOCAL, SHARED, type Principal } from './accounts/principal.js';
import { SERVICE_ERRORS } from './errors.js';

export interface GuardOptions {
  /** When set, this token is accepted on every /api request (one token shared by everyone). */
  readonly token?: string;
  /** When set, every /api request needs an account's token (or the shared one). */
  readonly accounts?: Authenticator;
  /** Other web origins allowed to call the API, e.g. a task pane served elsewhere. */
  readonly allowedOrigins: readonly string[];
  /** Extra host names the service answers to, besides the loopback names. */
  readonly allowedHosts: readonly string[];
  /** Signed links that stand in for the token on these routes (GET only), e.g. the report's download. */
  readonly links?: { readonly signer: DownloadLinks; readonly routes: readonly string[] };
}

declare module 'fastify' {
  interface FastifyRequest {
    /** Who made the request, as the guard found it. */
    principal: Principal;
  }
}

const LOOPBACK_HOSTS = ['localhost', '127.0.0.1', '[::1]'];

function hostName(host: string): string {
  return host.replace(/:\d+$/, '').toLowerCase();
}

const digest = (text: string) => createHash('sha256').update(text).digest();

/** The token of an `Authorization: Bearer <token>` header, or null. */
function bearer(request: FastifyRequest): string | null {
  return /^Bearer (\S+)$/.exec(request.headers.authorization ?? '')?.[1] ?? null;
}

/**
 * Who may use the service, checked before anything else (before a body is read):
 * - a web page on another site may not drive it (Origin);
 * - without credentials, nor reach it through a DNS name that points at this machine
 *   (Host, against DNS rebinding). With credentials the Host check is unnecessary
 *   (such a page cannot know a token) and would lock out the learners of a
 *   teacher's shared server, who reach it by its public address;
 * - with a token or accounts, every /api request must carry a token that is accepted:
 *   the shared token (compared in constant time) or an account's.
 * The request's `principal` says who it was, for the routes.
 */
const guardPlugin: FastifyPluginAsync<GuardOptions> = async (app, options) => {
  const hosts = new Set([...LOOPBACK_HOSTS, ...options.allowedHosts.map(hostName)]);
  const origins = new Set(options.allowedOrigins);
  const shared = options.token === undefined ? null : digest(options.token);
  const accounts = options.accounts ?? null;
  const credentials = shared !== null || accounts !== null;

  // Hashing both sides gives equal lengths, so the comparison takes the same time whatever was sent.
  const isSharedToken = (token: string) => shared !== null && timingSafeEqual(digest(token), shared);

  /** Who a download link speaks for, on a route that takes one; null when there is none or it is not valid now. */
  const linkHolder = async (request: FastifyRequest): Promise<Principal | null> => {
    const link = (request.query as { link?: unknown } | undefined)?.link;
    if (!options.links || typeof link !== 'string' || request.method !== 'GET' || !options.links.routes.includes(request.routeOptions.url ?? '')) return null;
    const holder = options.links.signer.verify(request.url.split('?')[0] as string, link);
    if (holder?.kind === 'shared') return shared !== null ? SHARED : null;
    return holder && accounts ? accounts.account(holder.name) : null;
  };

  app.decorateRequest('principal', null, []);
  app.addHook('onRequest', async (request, reply) => {
    if (!credentials && !hosts.has(hostName(request.host))) throw new SERVICE_ERRORS.GS_ERR_HOST_REFUSED(request.host);
    const origin = request.headers.origin;
    if (origin !== undefined && origin !== `${request.protocol}://${request.host}` && !origins.has(origin)) {
      throw new SERVICE_ERRORS.GS_ERR_ORIGIN_REFUSED(origin);
    }
    request.principal = LOCAL;
    // Preflight requests carry no credentials; the request that follows does.
    const path = request.routeOptions.url ?? request.url;
    if (!credentials || !path.startsWith('/api') || request.method === 'OPTIONS') return;
    const token = bearer(request);
    const user = token === null ? await linkHolder(request) : isSharedToken(token) ? SHARED : ((await accounts?.identify(token)) ?? null);
    if (user) {
      request.principal = user;
      return;
    }
    reply.header('www-authenticate', 'Bearer realm="GradSheet"');
    throw token !== null && accounts ? new SERVICE_ERRORS.GS_ERR_TOKEN_REFUSED() : new SERVICE_ERRORS.GS_ERR_UNAUTHORIZED();
  });
};

export const guard = fp(guardPlugin, { name: 'gradsheet-guard', fastify: '5.x' });
