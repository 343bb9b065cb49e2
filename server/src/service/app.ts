import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { Server as HttpsServer } from 'node:https';
import { fileURLToPath } from 'node:url';
import cors from '@fastify/cors';
import fastifyStatic from '@fastify/static';
import Fastify, { type FastifyInstance, type FastifyServerOptions } from 'fastify';
import { GradSheetError, HEARTBEAT_INTERVAL_MS } from '@gradsheet/shared';
import { Authenticator } from './accounts/authenticator.js';
import { DownloadLinks } from './accounts/download-links.js';
import { BackpropBuilder, DEFAULT_BACKPROP_LIMITS, type BackpropLimits } from './backprop-builder.js';
import { BODY_LIMIT, SERVICE_ERRORS, errorBody, toServiceError } from './errors.js';
import { guard } from './guard.js';
import { startRetention } from './retention.js';
import { checkRunAccess } from './run-access.js';
import { RunManager, type RunLimits, type StartTrainingJob } from './run-manager.js';
import { RunStore } from './run-store.js';
import { RunAnalyst } from '../analysis/run-analyst.js';
import { analysisRoutes } from './routes/analysis.js';
import { runAnalysisRoutes } from './routes/run-analysis.js';
import { runModelRoutes } from './routes/run-model.js';
import { backpropWorkbookRoutes } from './routes/backprop-workbook.js';
import { healthRoutes } from './routes/health.js';
import { modelRoutes } from './routes/models.js';
import { runEventRoutes } from './routes/run-events.js';
import { runReportRoutes } from './routes/run-report.js';
import { runRoutes } from './routes/runs.js';
import { sessionRoutes } from './routes/session.js';
import { addSharedSchemas } from './schemas.js';

export interface AppOptions {
  /**
   * Runs are kept in `<dataDir>/runs/<id>/`. When `<dataDir>/users.json` exists
   * (made by `gradsheet users`), the service has accounts: every /api request needs
   * an account's token, and a learner sees only their own runs.
   */
  readonly dataDir: string;
  /** When set, every /api request needs `Authorization: Bearer <token>` (this one, or an account's). */
  readonly token?: string;
  /** Web origins besides the service's own that may call the API. */
  readonly allowedOrigins?: readonly string[];
  /** Serve HTTPS with this key and certificate; plain HTTP without. */
  readonly https?: { readonly key: Buffer; readonly cert: Buffer };
  /** The address listened on, if not loopback: requests naming it as Host are then accepted too. */
  readonly host?: string;
  /** The https address learners reach the service by (a class's server): requests naming its host are accepted too. */
  readonly publicUrl?: string;
  /** Replicas each run trains with. Default 1. */
  readonly threads?: number;
  /** Runs trained at once, and each account's share of the queue (DEFAULT_RUN_LIMITS). */
  readonly limits?: Partial<RunLimits>;
  /** Backprop workbooks built at once, and how many may wait (DEFAULT_BACKPROP_LIMITS). */
  readonly backpropLimits?: Partial<BackpropLimits>;
  /** Delete runs that ended more than this many days ago (checked at start, then every hour). */
  readonly keepDays?: number;
  /** How runs train: each on a thread of its own. Route tests put a job they finish themselves in its place. */
  readonly startTrainingJob?: StartTrainingJob;
  /** The built task pane, served at `/` when the folder exists. */
  readonly taskpaneDir?: string;
  readonly heartbeatMs?: number;
  readonly logger?: FastifyServerOptions['logger'];
}

const { version } = createRequire(import.meta.url)('../../package.json') as { version: string };

/** The download a signed link may stand in for the token on. */
const REPORT_ROUTE = '/api/runs/:runId/report.xlsx';

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
    const retryAfter = thrown instanceof GradSheetError ? thrown.details?.retryAfterSeconds : undefined;
    if (typeof retryAfter === 'number') reply.header('retry-after', String(retryAfter));
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
  const accounts = await Authenticator.open(options.dataDir);
  const links = await DownloadLinks.open(options.dataDir);
  await app.register(guard, {
    allowedOrigins,
    allowedHosts: [
      ...(wildcard ? [] : [options.host.includes(':') ? `[${options.host}]` : options.host]),
      ...(options.publicUrl !== undefined ? [new URL(options.publicUrl).hostname] : []),
    ],
    ...(options.token !== undefined ? { token: options.token } : {}),
    ...(accounts ? { accounts } : {}),
    links: { signer: links, routes: [REPORT_ROUTE] },
  });
  // Cross-origin callers need CORS headers to read answers; same-origin ones need none.
  if (allowedOrigins.length > 0) {
    await app.register(cors, {
      origin: [...allowedOrigins],
      methods: ['GET', 'POST', 'DELETE'],
      allowedHeaders: ['Authorization', 'Content-Type', 'Last-Event-ID'],
      exposedHeaders: ['Content-Disposition', 'Location', 'Retry-After'],
    });
  }

  const { manager: runs, skipped } = await RunManager.open(new RunStore(options.dataDir), app.log, options.limits, options.startTrainingJob);
  for (const problem of skipped) app.log.warn(`skipped a run folder: ${problem}`);
  const stopRetention = options.keepDays === undefined ? () => {} : await startRetention(runs, options.keepDays, app.log);
  const backprop = new BackpropBuilder({ ...DEFAULT_BACKPROP_LIMITS, ...options.backpropLimits });
  // Stop training first on shutdown, so a run in progress is kept as interrupted however long connections take to close.
  app.addHook('preClose', async () => {
    stopRetention();
    await runs.close();
  });
  // Predictions and analyses of finished runs, one at a time on a thread of their own.
  const analyst = new RunAnalyst();
  app.addHook('onClose', async () => {
    accounts?.close();
    await Promise.all([backprop.close(), analyst.close()]);
  });
  await app.register(
    async (api) => {
      // Every route about one run answers 404 for a run the caller may not see, exactly as for one that does not
      // exist: a learner cannot tell another's run id from a guess. Checked once here, after the id's format.
      api.addHook('preHandler', async (request) => {
        const runId = (request.params as { runId?: unknown } | undefined)?.runId;
        if (typeof runId === 'string') checkRunAccess(runs, request.principal, runId);
      });
      await api.register(healthRoutes, { runs, version });
      await api.register(sessionRoutes, { auth: accounts ? 'accounts' : options.token !== undefined ? 'token' : 'none' });
      await api.register(modelRoutes);
      await api.register(runRoutes, { runs, threads: options.threads ?? 1, links, credentials: accounts !== null || options.token !== undefined });
      await api.register(runEventRoutes, { runs, heartbeatMs: options.heartbeatMs ?? HEARTBEAT_INTERVAL_MS });
      await api.register(runReportRoutes, { runs, analyst });
      await api.register(analysisRoutes, { runs, analyst });
      await api.register(runAnalysisRoutes, { runs, analyst });
      await api.register(runModelRoutes, { runs });
      await api.register(backpropWorkbookRoutes, { builder: backprop });
    },
    { prefix: '/api' },
  );

  // The task pane: served from the same origin as the API once it is built.
  const taskpaneDir = options.taskpaneDir ?? DEFAULT_TASKPANE_DIR;
  if (existsSync(taskpaneDir)) await app.register(fastifyStatic, { root: taskpaneDir, prefix: '/' });

  return app;
}
