import { resolve } from 'node:path';
import { Option, type Command } from 'commander';
import { REQUEST_LIMITS, integerRule } from '@gradsheet/shared';
import { defaultDataDir } from '../service/paths.js';
import { parseBounded } from './parse.js';
import { defaultThreads } from './train-command.js';

interface ServeFlags {
  port: string;
  host: string;
  dataDir?: string;
  http?: boolean;
  token?: string;
  threads?: string;
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
    .option('--host <address>', 'address to listen on', '127.0.0.1')
    .option('--data-dir <dir>', `where runs are kept (default: ${defaultDataDir()})`)
    .option('--http', 'serve plain HTTP instead of HTTPS (for tests)')
    .addOption(new Option('--token <token>', 'require "Authorization: Bearer <token>" on every API request').env('GRADSHEET_TOKEN'))
    .option('--threads <n>', `replicas each run trains with (default: one per core, up to 4; at most ${REQUEST_LIMITS.training.threads.max})`)
    .action(async (flags: ServeFlags) => {
      const port = parseBounded('--port', flags.port, integerRule(0, 65_535));
      const threads = flags.threads === undefined ? defaultThreads() : parseBounded('--threads', flags.threads, REQUEST_LIMITS.training.threads);
      // The service (Fastify, and tfjs in its training thread) loads only for this command.
      const { startServer } = await import('../service/server.js');
      const server = await startServer({
        port,
        host: flags.host,
        threads,
        // Only what needs attention (a run folder that cannot be read, a failure) is logged, as JSON lines on stderr.
        logger: { level: 'warn', stream: process.stderr },
        ...(flags.http ? { http: true } : {}),
        ...(flags.dataDir !== undefined ? { dataDir: resolve(flags.dataDir) } : {}),
        ...(flags.token !== undefined ? { token: flags.token } : {}),
      });
      process.stdout.write(`GradSheet service listening on ${server.url}\n`);
      process.stderr.write(`Runs are kept in ${server.dataDir}\n`);
      if (server.certificate?.created) {
        process.stderr.write(`Made a localhost certificate; to have Office trust it, trust the CA in ${server.certificate.caPath}\n`);
      }
      if (!LOOPBACK.has(flags.host) && flags.token === undefined) {
        process.stderr.write('Warning: listening beyond this machine without --token; anyone who can reach it can start runs.\n');
      }
      const signal = await stopSignal();
      process.stderr.write(`${signal}: stopping; a run in progress is kept as interrupted and can be resumed\n`);
      await server.app.close();
    });
}
