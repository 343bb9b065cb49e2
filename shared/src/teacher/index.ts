export * from './answers.js';
export * from './student-parameters.js';
export * from './grading.js';
export * from './identity.js';
export * from './key.js';
export * from './exercise-plan.js';
export * from './feedback.js';
export * from './grades-plan.js';
