import './taskpane.css';
import { startPane, type PaneHost } from '../pane/pane.js';
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
  return { kind: 'excel', run: (batch) => Excel.run(batch), memory: documentSettingsMemory(Office.context.document.settings) };
}

void detectHost()
  .then(startPane)
  .catch((error: unknown) => {
    const notice = document.getElementById('notice');
    if (notice) {
      notice.hidden = false;
      notice.textContent = `GradSheet could not start: ${error instanceof Error ? error.message : String(error)}`;
    }
  });
