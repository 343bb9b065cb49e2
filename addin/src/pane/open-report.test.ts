import { describe, expect, it } from 'vitest';
import { openInBrowserWindow, type OfficeWithBrowserWindow } from './open-report.js';

const BASE = 'https://localhost:3000/taskpane.html';

function office(options: { openBrowserWindow: boolean; supported?: boolean }): { office: OfficeWithBrowserWindow; opened: string[] } {
  const opened: string[] = [];
  return {
    opened,
    office: {
      context: {
        requirements: { isSetSupported: (name) => name !== 'OpenBrowserWindowApi' || options.supported !== false },
        ui: options.openBrowserWindow ? { openBrowserWindow: (url) => void opened.push(url) } : {},
      },
    },
  };
}

describe('opening the training report', () => {
  it('hands Office an absolute URL where openBrowserWindow exists (a Mac pane cannot download)', () => {
    const { office: host, opened } = office({ openBrowserWindow: true });
    expect(openInBrowserWindow('/api/runs/abc/report.xlsx', BASE, host)).toBe(true);
    expect(opened).toEqual(['https://localhost:3000/api/runs/abc/report.xlsx']);
  });

  it('leaves the link to download where Office cannot open a browser window, or outside Office', () => {
    for (const host of [office({ openBrowserWindow: false }).office, office({ openBrowserWindow: true, supported: false }).office, undefined, {}]) {
      expect(openInBrowserWindow('/api/runs/abc/report.xlsx', BASE, host)).toBe(false);
    }
  });
});
