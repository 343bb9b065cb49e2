import {
  countParams,
  DESIGN_TRAINING_DEFAULTS,
  designerPlan,
  errorCodeOf,
  getModel,
  MODEL_ZOO,
  summaryText,
  thousands,
  type ModelSpec,
  type TrainingDefaults,
} from '@gradsheet/shared';
import { applyWorkbookPlan } from '../excel/plan-writer.js';
import { readDesignSheet } from '../excel/read-design.js';
import { modelSheetName, runSheetName } from '../training/excel-epoch-sink.js';
import { plainMessage, showWriteFailure } from './messages.js';
import { $, notice } from './page.js';
import type { PaneHost } from './host.js';

/**
 * "Design a model": writes the designer sheet (Model) into the workbook, blank or from
 * a zoo model, and trains the design a learner made of it. The design is read from the
 * sheet's input cells and checked by shared's reader before anything is sent; the run
 * itself is the training section's, with its fields' settings.
 */

/** What the design section asks of the training section. */
export interface DesignTraining {
  /** Puts a design's default settings into the training fields. */
  showDefaults(defaults: TrainingDefaults): void;
  /** Checks the training fields with `spec`, starts its run and follows it; answers the run's id. */
  train(spec: ModelSpec): Promise<string>;
}

/** A design's defaults in words: "15 epochs of SGD (momentum 0.9) at a learning rate of 0.1 on a OneCycle schedule, in batches of 128". */
export function defaultsText(t: TrainingDefaults): string {
  const optimizer = t.optimizer === 'sgd' ? `SGD${t.momentum ? ` (momentum ${t.momentum})` : ''}` : 'Adam';
  const schedule = t.schedule === 'onecycle' ? 'a OneCycle schedule' : t.schedule === 'step' ? 'a step schedule' : 'a constant rate';
  return `${t.epochs} epochs of ${optimizer} at a learning rate of ${t.lr} on ${schedule}, in batches of ${t.batchSize}`;
}

/** Each of a refused design's sentences, one per bad row; a refusal without a list is one sentence. */
export function designProblems(error: unknown): string[] | undefined {
  if (errorCodeOf(error) !== 'INVALID_MODEL') return undefined;
  const listed = (error as { details?: { problems?: unknown } }).details?.problems;
  const problems = Array.isArray(listed) ? listed.filter((p): p is string => typeof p === 'string') : [];
  return (problems.length > 0 ? problems : [(error as Error).message]).map((p) => (/[.!?]$/.test(p) ? p : `${p}.`));
}

export function setUpDesign(host: PaneHost, training: DesignTraining | null): void {
  const select = $<HTMLSelectElement>('design-start');
  const design = $<HTMLButtonElement>('design');
  const replace = $<HTMLButtonElement>('design-replace');
  const train = $<HTMLButtonElement>('design-train');
  const status = $('design-status');
  const progress = $<HTMLProgressElement>('design-progress');
  const problems = $<HTMLUListElement>('design-problems');
  const summary = $('design-summary');

  for (const model of MODEL_ZOO) {
    const option = select.appendChild(document.createElement('option'));
    option.value = model.id;
    option.textContent = `${model.id} (${thousands(countParams(model))} params)`;
  }
  $('design-defaults').textContent = `A design trains with the settings under “Train the MNIST CNN”; Design a model sets them to a design’s defaults: ${defaultsText(DESIGN_TRAINING_DEFAULTS)}.`;
  design.disabled = host.kind !== 'excel';
  train.disabled = host.kind !== 'excel' || training === null;
  if (host.kind !== 'excel') return;

  const showProblems = (sentences: readonly string[]) => {
    problems.replaceChildren(...sentences.map((sentence) => Object.assign(document.createElement('li'), { textContent: sentence })));
    problems.hidden = sentences.length === 0;
  };
  const showSummary = (spec: ModelSpec | undefined) => {
    summary.textContent = spec ? summaryText(spec) : '';
    summary.hidden = spec === undefined;
  };
  const begin = (text: string) => {
    notice(null);
    showProblems([]);
    replace.hidden = true;
    design.disabled = true;
    progress.hidden = false;
    progress.removeAttribute('value');
    status.textContent = text;
    delete status.dataset.state;
  };

  const writeDesign = async (replaceExisting: boolean) => {
    begin('Writing the Model sheet…');
    try {
      const start = select.value === '' ? undefined : getModel(select.value);
      const plan = designerPlan(start);
      const result = await host.run((context) => applyWorkbookPlan(context, plan, { replaceExisting }));
      const from = start ? `from ${start.id} (${thousands(countParams(start))} parameters)` : 'blank';
      status.textContent = `Wrote the Model sheet ${from} in ${result.syncs} requests to Excel. Change its orange cells, then press Train this design.`;
      status.dataset.state = 'designed';
      showSummary(start);
      training?.showDefaults(DESIGN_TRAINING_DEFAULTS);
    } catch (error) {
      showWriteFailure(error, { status, notice, replace });
    } finally {
      progress.hidden = true;
      design.disabled = false;
    }
  };

  const trainDesign = async () => {
    if (!training) return;
    begin('Reading the design on the Model sheet…');
    train.disabled = true;
    // Once a run has started, the training section enables the button again when the run ends.
    let started = false;
    try {
      let spec: ModelSpec;
      try {
        spec = await host.run((context) => readDesignSheet(context));
      } catch (error) {
        const sentences = designProblems(error);
        if (!sentences) throw error;
        status.textContent = '';
        status.dataset.state = 'refused';
        notice(`The design cannot be trained as it stands, so nothing was sent: fix ${sentences.length === 1 ? 'this' : `these ${sentences.length}`} on the Model sheet, then try again.`);
        showProblems(sentences);
        return;
      }
      showSummary(spec);
      status.textContent = `Starting a run of your design (${thousands(countParams(spec))} parameters)…`;
      const id = await training.train(spec);
      started = true;
      status.textContent = `Training your design (${thousands(countParams(spec))} parameters): its epochs go to sheet “${runSheetName(id)}”, its layers and spec to “${modelSheetName(id)}”.`;
      status.dataset.state = 'training';
    } catch (error) {
      status.textContent = '';
      notice(plainMessage(error));
    } finally {
      progress.hidden = true;
      design.disabled = false;
      if (!started) train.disabled = false;
    }
  };

  $<HTMLFormElement>('design-form').addEventListener('submit', (event) => {
    event.preventDefault();
    void writeDesign(false);
  });
  replace.addEventListener('click', () => void writeDesign(true));
  train.addEventListener('click', () => void trainDesign());
}
