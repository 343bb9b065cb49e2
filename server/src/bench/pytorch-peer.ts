/**
 * PyTorch on the CPU as the benchmark's yardstick: bench/pytorch_peer.py run by the
 * first Python that imports torch: $GRADSHEET_PYTHON, then /usr/bin/python3 (Debian's
 * python3-torch lives with the system Python, not with a pyenv or venv python3),
 * then python3 on the PATH.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ModelSpec } from '@gradsheet/shared';
import { mnistDataDir } from '../mnist/load-mnist.js';
import { REPO_ROOT } from './bench-models.js';

export interface PeerRun {
  readonly imagesPerSecond: number;
  /** CPU time of the whole process (all its threads) per training step. */
  readonly cpuMsPerStep: number;
  readonly threads: number;
  readonly torch: string;
}

let python: string | null | undefined;

/** The interpreter that imports torch, or null when none does (found once per process). */
export function torchPython(): string | null {
  if (python !== undefined) return python;
  const candidates = [process.env['GRADSHEET_PYTHON'], '/usr/bin/python3', 'python3'].filter((p): p is string => p !== undefined && p !== '');
  python = candidates.find((candidate) => {
    try {
      execFileSync(candidate, ['-c', 'import torch'], { stdio: 'ignore' });
      return true;
    } catch {
      return false;
    }
  }) ?? null;
  return python;
}

/** Trains `batches` batches (after `warmup` more) of the spec's network in PyTorch; null without PyTorch. */
export function runPytorchPeer(spec: ModelSpec, options: { batches: number; batchSize: number; threads: number; warmup: number }): PeerRun | null {
  const interpreter = torchPython();
  if (interpreter === null) return null;
  const specFile = join(mkdtempSync(join(tmpdir(), 'gradsheet-spec-')), 'spec.json');
  writeFileSync(specFile, JSON.stringify(spec));
  const args = [
    join(REPO_ROOT, 'bench', 'pytorch_peer.py'),
    ...['--spec', specFile, '--data', mnistDataDir()],
    ...['--batches', String(options.batches), '--batch-size', String(options.batchSize)],
    ...['--threads', String(options.threads), '--warmup', String(options.warmup)],
  ];
  const out = execFileSync(interpreter, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
  return JSON.parse(out) as PeerRun;
}
