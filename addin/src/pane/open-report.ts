/**
 * Opening the training report where it can be saved.
 *
 * A task pane on Mac cannot download a file: the link does nothing (office-js issues
 * #2700, #3385 and #4681). Where Office gives `Office.context.ui.openBrowserWindow`
 * (requirement set OpenBrowserWindowApi 1.1), the report opens in the system's browser,
 * which downloads it; that browser knows nothing of the pane's page, so it gets an
 * absolute URL. Elsewhere, outside Office included, the link downloads as in any page.
 */

/** The part of `Office` this needs; absent outside Office. */
export interface OfficeWithBrowserWindow {
  readonly context?: {
    readonly requirements?: { isSetSupported(name: string, version?: string): boolean };
    readonly ui?: { openBrowserWindow?: (url: string) => void };
  };
}

/**
 * Opens `url` (absolute, or relative to `base`) in the system's browser when `office`
 * can; says whether it did. Where it answers false, the caller lets its link download.
 */
export function openInBrowserWindow(url: string, base: string, office: OfficeWithBrowserWindow | undefined): boolean {
  const ui = office?.context?.ui;
  const requirements = office?.context?.requirements;
  if (typeof ui?.openBrowserWindow !== 'function') return false;
  if (requirements && !requirements.isSetSupported('OpenBrowserWindowApi', '1.1')) return false;
  ui.openBrowserWindow(new URL(url, base).href);
  return true;
}

/** Makes a click on the report link open it in the system's browser where Office can; otherwise the link downloads. */
export function openReportInBrowser(link: HTMLAnchorElement): void {
  link.addEventListener('click', (event) => {
    const office = typeof Office === 'undefined' ? undefined : (Office as unknown as OfficeWithBrowserWindow);
    if (openInBrowserWindow(link.href, location.href, office)) event.preventDefault();
  });
}
