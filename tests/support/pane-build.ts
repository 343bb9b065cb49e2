/** Builds what the browser tests serve: the task pane, and the office.js stub with the fake of Excel inside. */
import { fileURLToPath } from 'node:url';
import { build } from 'vite';

/** Builds the task pane from its current sources into `outDir`, as `npm run build` does into addin/dist. */
export async function buildPane(outDir: string): Promise<void> {
  const root = fileURLToPath(new URL('../../addin/', import.meta.url));
  await build({ root, logLevel: 'silent', build: { outDir, emptyOutDir: true } });
}

/** The office.js stand-in, bundled for the browser with the recording fake of Excel inside. */
export async function officeStubScript(): Promise<string> {
  const entry = fileURLToPath(new URL('../../addin/test/office-stub.ts', import.meta.url));
  const result = await build({
    configFile: false,
    logLevel: 'silent',
    build: { write: false, minify: false, lib: { entry, formats: ['iife'], name: 'GradSheetOfficeStub', fileName: () => 'office.js' } },
  });
  const outputs = (Array.isArray(result) ? result : [result]) as { output: { type: string; code?: string }[] }[];
  const chunk = outputs[0]?.output.find((o) => o.type === 'chunk');
  if (!chunk?.code) throw new Error('the office.js stub did not bundle');
  return chunk.code;
}
