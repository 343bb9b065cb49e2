/**
 * The thread that grades submissions for `gradsheet grade`, one at a time, with a
 * heap of its own: a file that needs more memory than that ends this thread, not
 * the grading of the others.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { assertState } from '@gradsheet/shared';
import { gradeOne, type GradeOneOptions } from './grade-one.js';
import type { FromGradeWorker, ToGradeWorker } from './submission-grader.js';

const port = parentPort;
assertState(port, 'grade-worker runs in a worker thread');
const options = workerData as GradeOneOptions;

port.on('message', (message: ToGradeWorker) => {
  void gradeOne(message.path, message.feedbackFile, options).then((outcome) => port.postMessage({ outcome } satisfies FromGradeWorker));
});
