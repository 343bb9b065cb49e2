import './taskpane.css';
import { runInExcel } from '../excel/excel-run.js';
import type { PaneHost } from '../pane/host.js';
import { startPane } from '../pane/pane.js';
import { documentSettingsMemory } from '../training/run-memory.js';

/**
 * Wires the page up once Office says where it runs. Outside Office, office.js answers
 * with no host; without a network it does not load at all. Both give the offline mode.
 */
async function detectHost(): Promise<PaneHost> {
  if (typeof Office === 'undefined') return { kind: 'browser' };
  const info = await Office.onReady();
  if (info.host !== Office.HostType.Excel) return { kind: 'browser' };
  if (!Office.context.requirements.isSetSupported('ExcelApi', '1.7')) return { kind: 'excel-too-old' };
  return { kind: 'excel', run: runInExcel, memory: documentSettingsMemory(Office.context.document.settings) };
}

// taskpane.html's own check found a webview that cannot run the pane, and said so.
if (document.body.dataset.webview !== 'unsupported') startTaskpane();

function startTaskpane(): void {
  void detectHost()
    .then(startPane)
    .catch((error: unknown) => {
      const notice = document.getElementById('notice');
      if (notice) {
        notice.hidden = false;
        notice.textContent = `GradSheet could not start: ${error instanceof Error ? error.message : String(error)}`;
      }
    });
}
