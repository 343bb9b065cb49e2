import { service, useCredentials, type Credentials } from '../service/client.js';
import { $ } from './page.js';

/**
 * Signing in to a class's service. The pane asks for a token only when the service
 * answers 401, keeps it for that service alone (by its origin) in the pane's own
 * storage, never in the workbook (a workbook is handed around; a token is one
 * person's), and sends it with every request. "Sign out" forgets it.
 */

export const SIGN_IN_SENTENCES = {
  needed: 'This GradSheet service is shared by a class. Enter the token your teacher gave you.',
  refused: 'The service did not accept that token: it may be mistyped, or your teacher may have revoked it. Enter the token your teacher gave you, or ask them for a new one.',
  empty: 'Paste the token your teacher gave you, then press Sign in.',
} as const;

/** The token kept for one service. */
export interface TokenStore {
  load(): string | null;
  save(token: string): void;
  forget(): void;
}

/**
 * A token kept in `storage` under the service's origin. In Excel on the web, add-ins'
 * storage may be partitioned: Office's partition key then comes first.
 */
export function tokenStore(storage: Storage, origin: string, partitionKey?: string): TokenStore {
  const key = `${partitionKey ? `${partitionKey}:` : ''}gradsheet.token:${origin}`;
  return {
    load: () => storage.getItem(key),
    save: (token) => storage.setItem(key, token),
    forget: () => storage.removeItem(key),
  };
}

function officePartitionKey(): string | undefined {
  if (typeof Office === 'undefined') return undefined;
  return (Office.context as { partitionKey?: string } | undefined)?.partitionKey;
}

/** Shows who is signed in (and Sign out), or nothing on a service without accounts. */
async function showAccount(): Promise<void> {
  const account = $('account');
  const session = await service.session();
  account.hidden = session.user === undefined;
  $('account-name').textContent = session.user === undefined ? '' : `Signed in as ${session.user}${session.role === 'teacher' ? ' (teacher)' : ''}`;
}

/** Wires the sign-in form and Sign out; every request of the pane's client then carries the kept token. */
export function setUpSignIn(store: TokenStore = tokenStore(localStorage, location.origin, officePartitionKey())): void {
  const section = $('sign-in');
  const form = $<HTMLFormElement>('sign-in-form');
  const input = $<HTMLInputElement>('token');
  const reason = $('sign-in-reason');
  let waiting: (() => void) | null = null;

  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const token = input.value.trim();
    if (token === '' || /\s/.test(token)) {
      reason.textContent = SIGN_IN_SENTENCES.empty;
      return;
    }
    store.save(token);
    input.value = '';
    section.hidden = true;
    const done = waiting;
    waiting = null;
    done?.();
    // Who this token belongs to (asks again, through the client, if it is refused).
    void showAccount().catch(() => {});
  });

  $('sign-out').addEventListener('click', () => {
    store.forget();
    // A fresh page: no stream or request of the old account goes on.
    location.reload();
  });

  const credentials: Credentials = {
    token: () => store.load(),
    signIn(why) {
      if (why === 'refused') store.forget();
      $('account').hidden = true;
      reason.textContent = SIGN_IN_SENTENCES[why];
      section.hidden = false;
      input.focus();
      return new Promise<void>((resolve) => (waiting = resolve));
    },
  };
  useCredentials(credentials);
  // A service that does not answer is reported by the pane's own first requests.
  void showAccount().catch(() => {});
}
