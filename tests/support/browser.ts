import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import type { FakeSheet } from '../../addin/test/fake-excel/index.js';

/** Debian's Chromium, driven by playwright-core; never a downloaded browser. */
export const CHROMIUM = '/usr/bin/chromium';
export const OFFICE_JS = 'https://appsforoffice.microsoft.com/lib/1/hosted/office.js';
/** Screenshots of each state, kept for people to look at. */
export const ARTIFACTS = fileURLToPath(new URL('../../test-artifacts/addin/', import.meta.url));

export const hasChromium = existsSync(CHROMIUM);

export interface Browser {
  readonly context: BrowserContext;
  close(): Promise<void>;
}

/** A fresh profile each time, headless, with nothing reaching the network on its own. */
export async function launchChromium(): Promise<Browser> {
  const profile = await mkdtemp(join(tmpdir(), 'gradsheet-chromium-'));
  await mkdir(ARTIFACTS, { recursive: true });
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    acceptDownloads: true,
    viewport: { width: 420, height: 900 },
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--no-first-run',
      '--disable-component-update',
      '--disable-sync',
      '--disable-quic',
    ],
  });
  return {
    context,
    async close() {
      await context.close();
      await rm(profile, { recursive: true, force: true });
    },
  };
}

export async function screenshot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: join(ARTIFACTS, `${name}.png`), fullPage: true });
}

const escape = (text: string) => text.replace(/[&<>"]/g, (c) => `&#${c.charCodeAt(0)};`);

/** A sheet of the fake workbook drawn as a grid, so a screenshot shows what Excel was given. */
export function sheetHtml(sheet: FakeSheet, rows = 12, cols = 10): string {
  const head = Array.from({ length: cols }, (_, c) => `<th>${String.fromCharCode(65 + c)}</th>`).join('');
  const body = Array.from({ length: rows }, (_, r) => {
    const cells = Array.from({ length: cols }, (_, c) => {
      const cell = sheet.cells[`${r},${c}`];
      const text = cell?.input ?? cell?.formulaR1C1 ?? '';
      const style = [cell?.fill ? `background:${cell.fill}` : '', cell?.bold ? 'font-weight:bold' : ''].filter(Boolean).join(';');
      return `<td style="${style}">${escape(typeof text === 'number' ? String(Number(text.toPrecision(6))) : String(text))}</td>`;
    }).join('');
    return `<tr><th>${r + 1}</th>${cells}</tr>`;
  }).join('');
  const charts = sheet.charts
    .map((c) => `<li>${escape(c.title ?? c.name)}: ${c.series.map((s) => `${escape(s.name)} rows ${s.values.row + 1}–${s.values.row + s.values.rows}`).join(', ')}</li>`)
    .join('');
  return `<!doctype html><meta charset="utf-8"><style>body{font:12px sans-serif}td,th{border:1px solid #ccc;padding:2px 4px;white-space:nowrap;max-width:160px;overflow:hidden}th{background:#eee}</style>
<h3>Sheet “${escape(sheet.name)}” as the fake of Excel holds it${sheet.protected ? ' (protected)' : ''}</h3><table><tr><th></th>${head}</tr>${body}</table><ul>${charts}</ul>`;
}
