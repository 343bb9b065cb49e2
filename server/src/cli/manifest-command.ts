import type { Command } from 'commander';
import { writeFileAtomic } from '../io/atomic-write.js';
import { checkOutputPath } from '../io/output-path.js';
import { checkPublicUrl, manifestFor, readManifestTemplate } from '../service/addin-manifest.js';

/** `gradsheet manifest`: the add-in manifest for a service at another address than https://localhost:3000. */
export function registerManifestCommand(program: Command): void {
  program
    .command('manifest')
    .description("write the Excel add-in's manifest for a service at a public address (to sideload, or to deploy centrally)")
    .requiredOption('--url <https://host:port>', 'the address learners reach the service by, as gradsheet serve --public-url gives it')
    .requiredOption('--out <manifest.xml>', 'where to write the manifest')
    .action(async (flags: { url: string; out: string }) => {
      const origin = checkPublicUrl(flags.url, '--url');
      const out = await checkOutputPath(flags.out, '.xml');
      await writeFileAtomic(out, Buffer.from(manifestFor(await readManifestTemplate(), origin)));
      process.stdout.write(`Wrote the add-in manifest for ${origin} to ${flags.out}\n`);
    });
}
