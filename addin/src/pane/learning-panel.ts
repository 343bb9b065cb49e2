import { rightCount, thousands, type RunDoneEvent } from '@gradsheet/shared';
import { learnedSheetNames, writeLearnedSheets } from '../excel/learned-sheets.js';
import { service } from '../service/client.js';
import { setUpCompare } from './compare-panel.js';
import { plainMessage, showWriteFailure } from './messages.js';
import { $, notice } from './page.js';
import type { PaneHost } from './host.js';
import { RunChoices } from './run-choices.js';
import { setUpTryIt } from './try-it-panel.js';

/**
 * "Learn from runs": what a finished run learned (its Confusion, Mistakes and Kernels
 * sheets, from the service's analysis of the run), runs compared on a Runs sheet, and
 * a digit drawn on the Try it sheet predicted by a finished run.
 */

export interface Learning {
  /** The run the pane follows ended: it joins the lists, and a finished one is picked. */
  runEnded(done: RunDoneEvent): void;
}

export function setUpLearning(host: PaneHost): Learning {
  const choices = new RunChoices();
  const show = $<HTMLButtonElement>('show-learned');
  const replace = $<HTMLButtonElement>('learned-replace');
  const status = $('learned-status');
  const progress = $<HTMLProgressElement>('learned-progress');
  const refresh = async (choose?: string) => {
    try {
      await choices.refresh(choose);
    } catch (error) {
      notice(plainMessage(error));
    }
  };

  choices.onChange(() => (show.disabled = host.kind !== 'excel' || choices.chosen() === undefined));
  show.disabled = true;
  setUpCompare(host, choices);
  setUpTryIt(host, choices);
  $('learn-refresh').addEventListener('click', () => void refresh());

  const showLearned = async (replaceExisting: boolean) => {
    const run = choices.chosen();
    if (host.kind !== 'excel' || !run) return;
    notice(null);
    replace.hidden = true;
    show.disabled = true;
    progress.hidden = false;
    progress.removeAttribute('value');
    delete status.dataset.state;
    status.textContent = `Asking the service what run ${run.id.slice(0, 8)} learned…`;
    try {
      const analysis = await service.analysis(run.id);
      const result = await host.run((context) =>
        writeLearnedSheets(context, run, analysis, {
          replaceExisting,
          onProgress: (p) => {
            progress.max = p.total;
            progress.value = p.done;
            if (p.phase === 'writing') status.textContent = `Writing to Excel (request ${p.done} of ${p.total - 1})…`;
          },
        }),
      );
      const names = learnedSheetNames(run.id);
      const sheets = [names.confusion, names.mistakes, ...(analysis.kernels ? [names.kernels] : [])].map((name) => `“${name}”`);
      const wrong = analysis.confusion.total - rightCount(analysis.confusion);
      status.textContent = `What run ${run.id.slice(0, 8)} learned is on ${sheets.slice(0, -1).join(', ')} and ${sheets.at(-1)}: ${thousands(wrong)} mistakes in ${thousands(analysis.confusion.total)} test images (${result.syncs} requests to Excel).`;
      status.dataset.state = 'written';
    } catch (error) {
      showWriteFailure(error, { status, notice, replace });
    } finally {
      progress.hidden = true;
      show.disabled = choices.chosen() === undefined;
    }
  };
  show.addEventListener('click', () => void showLearned(false));
  replace.addEventListener('click', () => void showLearned(true));

  void refresh();
  return {
    runEnded(done) {
      void refresh(done.state === 'done' ? done.id : undefined);
    },
  };
}
