import { errorCodeOf, TRY_IT } from '@gradsheet/shared';
import { addTryItSheet, predictDrawnDigit } from '../excel/try-it.js';
import { service } from '../service/client.js';
import { plainMessage } from './messages.js';
import { $, notice } from './page.js';
import type { PaneHost } from './host.js';
import type { RunChoices } from './run-choices.js';

/**
 * "Try it": the Try it sheet, a 28×28 grid the learner draws a digit in; "Predict"
 * reads the grid, checks it before anything is sent, asks the finished run picked
 * above for the ten probabilities, and writes them beside the grid.
 */
export function setUpTryIt(host: PaneHost, choices: RunChoices): void {
  const add = $<HTMLButtonElement>('try-it');
  const predict = $<HTMLButtonElement>('predict');
  const status = $('predict-status');
  add.disabled = host.kind !== 'excel';
  const enable = () => (predict.disabled = host.kind !== 'excel' || choices.chosen() === undefined);
  choices.onChange(enable);
  enable();
  if (host.kind !== 'excel') return;

  const settle = (state: string, text: string) => {
    status.textContent = text;
    status.dataset.state = state;
  };

  add.addEventListener('click', () => {
    void (async () => {
      notice(null);
      add.disabled = true;
      try {
        const added = await host.run(addTryItSheet);
        settle(added ? 'added' : 'there', `${added ? 'Added the' : 'The'} “${TRY_IT.sheet}” sheet${added ? '' : ' is there already'}: type values from 0 (paper) to 1 (ink) in its grid to draw a digit, then press Predict.`);
      } catch (error) {
        notice(plainMessage(error));
      } finally {
        add.disabled = false;
      }
    })();
  });

  predict.addEventListener('click', () => {
    void (async () => {
      const run = choices.chosen();
      if (!run) return;
      notice(null);
      predict.disabled = true;
      delete status.dataset.state;
      status.textContent = 'Reading the grid…';
      try {
        const prediction = await predictDrawnDigit(host.run, (grid) => {
          status.textContent = `Asking run ${run.id.slice(0, 8)}…`;
          return service.predict(run.id, grid);
        });
        const p = prediction.probabilities[prediction.class] ?? 0;
        settle('predicted', `Run ${run.id.slice(0, 8)} reads your digit as ${prediction.class}, with a probability of ${(p * 100).toFixed(1)}%: the ten probabilities are beside the grid.`);
      } catch (error) {
        // A grid that is not a digit was refused before anything was sent.
        settle(errorCodeOf(error) === 'INVALID_INPUT' ? 'refused' : 'failed', '');
        notice(plainMessage(error));
      } finally {
        enable();
      }
    })();
  });
}
