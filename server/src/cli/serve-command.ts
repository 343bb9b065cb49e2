import { resolve } from 'node:path';
import { Option, type Command } from 'commander';
import { REQUEST_LIMITS, integerRule, invalidInput } from '@gradsheet/shared';
import { checkPublicUrl } from '../service/addin-manifest.js';
import { defaultDataDir } from '../service/paths.js';
import { DEFAULT_RUN_LIMITS } from '../service/run-manager.js';
import { parseBounded } from './parse.js';
import { defaultThreads } from './train-command.js';

interface ServeFlags {
  port: string;
  host: string;
  dataDir?: string;
  http?: boolean;
  token?: string;
  threads?: string;
  concurrentRuns: string;
  maxQueue: string;
  maxQueuedPerUser: string;
  maxRunningPerUser: string;
  keepDays?: string;
  cert?: string;
  key?: string;
  publicUrl?: string;
}

const LOOPBACK = new Set(['127.0.0.1', '::1', 'localhost']);

/** Resolves on the first SIGINT or SIGTERM. */
function stopSignal(): Promise<string> {
  return new Promise((done) => {
    const stop = (signal: string) => {
      process.off('SIGINT', stop).off('SIGTERM', stop);
      done(signal);
    };
    process.on('SIGINT', stop).on('SIGTERM', stop);
  });
}

export function registerServeCommand(program: Command): void {
  program
    .command('serve')
    .description("run the training service for GradSheet's Excel add-in (HTTPS, on this machine only by default)")
    .option('--port <n>', 'port to listen on; 0 picks a free one', '3000')
    .option('--host <address>', 'address to listen on (0.0.0.0: every network of this machine)', '127.0.0.1')
    .option('--data-dir <dir>', `where runs and accounts are kept (default: ${defaultDataDir()})`)
    .option('--http', 'serve plain HTTP instead of HTTPS (for tests, or behind something that terminates TLS)')
    .addOption(new Option('--token <token>', 'require "Authorization: Bearer <token>" on every API request (one token shared by everyone)').env('GRADSHEET_TOKEN'))
    .option('--threads <n>', `replicas each run trains with (default: one per core, up to 4; at most ${REQUEST_LIMITS.training.threads.max})`)
    .option('--concurrent-runs <n>', 'runs trained at the same time, each on its own thread', String(DEFAULT_RUN_LIMITS.concurrentRuns))
    .option('--max-queue <n>', 'runs that may wait in all', String(DEFAULT_RUN_LIMITS.maxQueued))
    .option('--max-queued-per-user <n>', 'runs one account may have waiting', String(DEFAULT_RUN_LIMITS.maxQueuedPerUser))
    .option('--max-running-per-user <n>', 'runs one account may have training at once', String(DEFAULT_RUN_LIMITS.maxRunningPerUser))
    .option('--keep-days <n>', 'delete runs that ended more than this many days ago (checked hourly; default: keep them)')
    .option('--cert <file.pem>', "a certificate the class's machines trust, instead of the localhost one (with --key)")
    .option('--key <file.pem>', 'the private key of --cert')
    .option('--public-url <https://host:port>', 'the address learners reach the service by (for the manifest, and the Host check)')
    .action(async (flags: ServeFlags) => {
      const port = parseBounded('--port', flags.port, integerRule(0, 65_535));
      const threads = flags.threads === undefined ? defaultThreads() : parseBounded('--threads', flags.threads, REQUEST_LIMITS.training.threads);
      const limits = {
        concurrentRuns: parseBounded('--concurrent-runs', flags.concurrentRuns, integerRule(1, 64)),
        maxQueued: parseBounded('--max-queue', flags.maxQueue, integerRule(1, 100_000)),
        maxQueuedPerUser: parseBounded('--max-queued-per-user', flags.maxQueuedPerUser, integerRule(1, 10_000)),
        maxRunningPerUser: parseBounded('--max-running-per-user', flags.maxRunningPerUser, integerRule(1, 64)),
      };
      const keepDays = flags.keepDays === undefined ? undefined : parseBounded('--keep-days', flags.keepDays, integerRule(1, 36_500));
      if ((flags.cert === undefined) !== (flags.key === undefined)) throw invalidInput('--cert and --key go together: give both, or neither for the localhost certificate');
      if (flags.cert !== undefined && flags.http) throw invalidInput('--cert serves HTTPS; leave out --http');
      const publicUrl = flags.publicUrl === undefined ? undefined : checkPublicUrl(flags.publicUrl, '--public-url');
      // The service (Fastify, and tfjs in its training thread) loads only for this command.
      const { startServer } = await import('../service/server.js');
      const { readAccounts } = await import('../service/accounts/account-file.js');
      const dataDir = resolve(flags.dataDir ?? defaultDataDir());
      const accounts = await readAccounts(dataDir);
      const server = await startServer({
        port,
        host: flags.host,
        threads,
        limits,
        dataDir,
        // Only what needs attention (a run folder that cannot be read, a failure) is logged, as JSON lines on stderr.
        logger: { level: 'warn', stream: process.stderr },
        ...(flags.http ? { http: true } : {}),
        ...(flags.token !== undefined ? { token: flags.token } : {}),
        ...(keepDays !== undefined ? { keepDays } : {}),
        ...(flags.cert !== undefined && flags.key !== undefined ? { certificate: { certPath: resolve(flags.cert), keyPath: resolve(flags.key) } } : {}),
        ...(publicUrl !== undefined ? { publicUrl } : {}),
      });
      process.stderr.write(`Runs are kept in ${server.dataDir}\n`);
      if (accounts !== null) {
        const teachers = accounts.filter((a) => a.role === 'teacher').length;
        process.stderr.write(`Accounts: ${accounts.length} (${teachers} teacher${teachers === 1 ? '' : 's'}); every request needs an account's token\n`);
      }
      for (const warning of server.warnings) process.stderr.write(`Warning: ${warning}\n`);
      if (server.certificate?.created) {
        process.stderr.write(`Made a localhost certificate; to have Office trust it, trust the CA in ${server.certificate.caPath}\n`);
      }
      if (!LOOPBACK.has(flags.host) && flags.token === undefined && accounts === null) {
        process.stderr.write('Warning: listening beyond this machine without accounts or --token; anyone who can reach it can start runs.\n');
      }
      // Last, so that whoever waits for this line has the ones above already.
      process.stdout.write(`GradSheet service listening on ${server.listening}\n`);
      if (publicUrl !== undefined) process.stdout.write(`Learners reach it at ${publicUrl}; their add-in manifest: gradsheet manifest --url ${publicUrl} --out manifest.xml\n`);
      const signal = await stopSignal();
      process.stderr.write(`${signal}: stopping; a run in progress is kept as interrupted and can be resumed\n`);
      await server.app.close();
    });
}
