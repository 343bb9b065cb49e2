import { compareRunsPlan, MAX_COMPARED_RUNS, RUNS_SHEET, type RunView } from '@gradsheet/shared';
import { applyWorkbookPlan } from '../excel/plan-writer.js';
import { service } from '../service/client.js';
import { compareInputOf, modelOf } from './compared-runs.js';
import { plainMessage, showWriteFailure } from './messages.js';
import { $, notice } from './page.js';
import type { PaneHost } from './host.js';
import type { RunChoices } from './run-choices.js';
import { saveBlob } from './save-blob.js';

/**
 * "Compare runs": the runs the learner ticks, side by side. In Excel, the Runs sheet
 * (one row per run, its figures live formulas) and the Epochs sheet it reads, with
 * charts of test accuracy and test loss holding one series per run; outside Excel,
 * the same workbook from the service, downloaded.
 */
export function setUpCompare(host: PaneHost, choices: RunChoices): void {
  const compare = $<HTMLButtonElement>('compare');
  const replace = $<HTMLButtonElement>('compare-replace');
  const download = $<HTMLButtonElement>('compare-download');
  const status = $('compare-status');
  const progress = $<HTMLProgressElement>('compare-progress');
  const enable = () => {
    const n = choices.picked().length;
    compare.disabled = host.kind !== 'excel' || n === 0;
    download.disabled = n === 0;
  };
  choices.onChange(enable);
  enable();

  /** The ticked runs, at most as many as a workbook compares; null (and a notice) when none or too many. */
  const picked = (): RunView[] | null => {
    const runs = choices.picked();
    if (runs.length > MAX_COMPARED_RUNS) {
      notice(`Tick at most ${MAX_COMPARED_RUNS} runs: past that the charts’ legends stop being readable.`);
      return null;
    }
    return runs.length === 0 ? null : runs;
  };
  const begin = (text: string) => {
    notice(null);
    replace.hidden = true;
    compare.disabled = true;
    download.disabled = true;
    progress.hidden = false;
    progress.removeAttribute('value');
    delete status.dataset.state;
    status.textContent = text;
  };
  const end = () => {
    progress.hidden = true;
    enable();
  };

  const build = async (replaceExisting: boolean) => {
    const runs = picked();
    if (host.kind !== 'excel' || !runs) return;
    begin(`Reading ${runs.length} run${runs.length === 1 ? '' : 's'} from the service…`);
    try {
      // Each run as it stands now: one still training has more epochs than the list had.
      const inputs = await Promise.all(
        runs.map(async ({ id }) => {
          const run = await service.run(id);
          return compareInputOf(run, await modelOf(run, service.runModel));
        }),
      );
      const plan = compareRunsPlan(inputs);
      const result = await host.run((context) => applyWorkbookPlan(context, plan, { replaceExisting }));
      status.textContent = `Compared ${inputs.length} run${inputs.length === 1 ? '' : 's'} on sheet “${RUNS_SHEET}”, one line per run in each chart (${result.syncs} requests to Excel).`;
      status.dataset.state = 'written';
    } catch (error) {
      showWriteFailure(error, { status, notice, replace });
    } finally {
      end();
    }
  };
  compare.addEventListener('click', () => void build(false));
  replace.addEventListener('click', () => void build(true));

  download.addEventListener('click', () => {
    void (async () => {
      const runs = picked();
      if (!runs) return;
      begin('Asking the service for the comparison…');
      try {
        const { blob, filename } = await service.compareXlsx(runs.map((run) => run.id));
        saveBlob(blob, filename);
        status.textContent = `Downloaded ${filename}, comparing ${runs.length} run${runs.length === 1 ? '' : 's'}.`;
        status.dataset.state = 'downloaded';
      } catch (error) {
        status.textContent = '';
        notice(plainMessage(error));
      } finally {
        end();
      }
    })();
  });
}
