import type { BackendChoice, GradSheetErrorCode, ModelSpec } from '@gradsheet/shared';

/** Main thread → replica worker. */
export type ToReplica =
  | { readonly type: 'init'; readonly spec: ModelSpec; readonly backend: BackendChoice }
  | {
      readonly type: 'step';
      /** Every weight of the model, BatchNorm statistics included, in `model.weights` order. */
      readonly weights: Float32Array;
      readonly inputs: Float32Array;
      readonly labels: Int32Array;
      /** Seeds this step's dropout masks, so runs repeat. */
      readonly dropoutSeed: number;
    };

/** Replica worker → main thread. */
export type FromReplica =
  | { readonly type: 'ready' }
  | {
      readonly type: 'stepped';
      readonly gradients: Float32Array;
      /** Every weight after the step: the BatchNorm statistics moved with this replica's images. */
      readonly weights: Float32Array;
      readonly loss: number;
      readonly correct: number;
      readonly count: number;
    }
  /** A failure in the worker; `code` when it was a GradSheetError, so the main thread raises the same. */
  | { readonly type: 'error'; readonly message: string; readonly code?: GradSheetErrorCode };
