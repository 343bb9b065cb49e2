import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { Server as HttpsServer } from 'node:https';
import { fileURLToPath } from 'node:url';
import cors from '@fastify/cors';
import fastifyStatic from '@fastify/static';
import Fastify, { type FastifyInstance, type FastifyServerOptions } from 'fastify';
import { HEARTBEAT_INTERVAL_MS } from '@gradsheet/shared';
import { BODY_LIMIT, SERVICE_ERRORS, errorBody, toServiceError } from './errors.js';
import { guard } from './guard.js';
import { RunManager } from './run-manager.js';
import { RunStore } from './run-store.js';
import { RunAnalyst } from '../analysis/run-analyst.js';
import { analysisRoutes } from './routes/analysis.js';
import { backpropWorkbookRoutes } from './routes/backprop-workbook.js';
import { healthRoutes } from './routes/health.js';
import { modelRoutes } from './routes/models.js';
import { runEventRoutes } from './routes/run-events.js';
import { runReportRoutes } from './routes/run-report.js';
import { runRoutes } from './routes/runs.js';
import { addSharedSchemas } from './schemas.js';

export interface AppOptions {
  /** Runs are kept in `<dataDir>/runs/<id>/`. */
  readonly dataDir: string;
  /** When set, every /api request needs `Authorization: Bearer <token>`. */
  readonly token?: string;
  /** Web origins besides the service's own that may call the API. */
  readonly allowedOrigins?: readonly string[];
  /** Serve HTTPS with this key and certificate; plain HTTP without. */
  readonly https?: { readonly key: Buffer; readonly cert: Buffer };
  /** The address listened on, if not loopback: requests naming it as Host are then accepted too. */
  readonly host?: string;
  /** Replicas each run trains with. Default 1. */
  readonly threads?: number;
  /** The built task pane, served at `/` when the folder exists. */
  readonly taskpaneDir?: string;
  readonly heartbeatMs?: number;
  readonly logger?: FastifyServerOptions['logger'];
}

const { version } = createRequire(import.meta.url)('../../package.json') as { version: string };

/** Where the add-in's build puts the task pane, relative to this module once compiled. */
export const DEFAULT_TASKPANE_DIR = fileURLToPath(new URL('../../../addin/dist/', import.meta.url));

/** The training service, ready to listen (or to answer `inject` in tests). */
export async function buildApp(options: AppOptions): Promise<FastifyInstance> {
  const settings = {
    bodyLimit: BODY_LIMIT,
    logger: options.logger ?? false,
    // Fastify's defaults would coerce "5" to 5 and silently drop unknown fields; refuse both instead.
    ajv: { customOptions: { removeAdditional: false, coerceTypes: false, allErrors: false } },
  } as const;
  // With `https` Fastify's types change to an https server; the routes below don't care which.
  const app = (options.https ? Fastify<HttpsServer>({ ...settings, https: { ...options.https } }) : Fastify(settings)) as unknown as FastifyInstance;

  app.setErrorHandler((thrown, request, reply) => {
    const error = toServiceError(thrown, request);
    if ((error.statusCode ?? 500) >= 500) request.log.error({ err: thrown }, error.message);
    return reply.code(error.statusCode ?? 500).send(errorBody(error));
  });
  app.setNotFoundHandler((request, reply) => {
    const error = new SERVICE_ERRORS.GS_ERR_NOT_FOUND(request.method, request.url.split('?')[0]);
    return reply.code(404).send(errorBody(error));
  });
  // Bodies are JSON only: anything else is refused with 415 rather than parsed as text.
  app.removeContentTypeParser('text/plain');
  addSharedSchemas(app);

  const allowedOrigins = options.allowedOrigins ?? [];
  const wildcard = options.host === undefined || options.host === '0.0.0.0' || options.host === '::';
  await app.register(guard, {
    allowedOrigins,
    allowedHosts: wildcard ? [] : [options.host.includes(':') ? `[${options.host}]` : options.host],
    ...(options.token !== undefined ? { token: options.token } : {}),
  });
  // Cross-origin callers need CORS headers to read answers; same-origin ones need none.
  if (allowedOrigins.length > 0) {
    await app.register(cors, {
      origin: [...allowedOrigins],
      methods: ['GET', 'POST'],
      allowedHeaders: ['Authorization', 'Content-Type', 'Last-Event-ID'],
      exposedHeaders: ['Content-Disposition', 'Location'],
    });
  }

  const { manager: runs, skipped } = await RunManager.open(new RunStore(options.dataDir), app.log);
  for (const problem of skipped) app.log.warn(`skipped a run folder: ${problem}`);
  // Stop training first on shutdown, so a run in progress is kept as interrupted however long connections take to close.
  app.addHook('preClose', async () => runs.close());

  // Predictions and analyses of finished runs, one at a time on this thread.
  const analyst = new RunAnalyst();
  await app.register(
    async (api) => {
      await api.register(healthRoutes, { runs, version });
      await api.register(modelRoutes);
      await api.register(runRoutes, { runs, threads: options.threads ?? 1 });
      await api.register(runEventRoutes, { runs, heartbeatMs: options.heartbeatMs ?? HEARTBEAT_INTERVAL_MS });
      await api.register(runReportRoutes, { runs, analyst });
      await api.register(analysisRoutes, { runs, analyst });
      await api.register(backpropWorkbookRoutes);
    },
    { prefix: '/api' },
  );

  // The task pane: served from the same origin as the API once it is built.
  const taskpaneDir = options.taskpaneDir ?? DEFAULT_TASKPANE_DIR;
  if (existsSync(taskpaneDir)) await app.register(fastifyStatic, { root: taskpaneDir, prefix: '/' });

  return app;
}
