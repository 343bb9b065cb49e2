import { assertState } from '@gradsheet/shared';

/** The pane's page: its elements by id, and the one notice every section speaks through. */

export const $ = <T extends HTMLElement>(id: string): T => {
  const element = document.getElementById(id);
  assertState(element, `the page has a #${id}`);
  return element as T;
};

export function notice(message: string | null, kind: 'error' | 'info' = 'error'): void {
  const element = $('notice');
  element.hidden = message === null;
  element.textContent = message ?? '';
  element.dataset.kind = kind;
}
