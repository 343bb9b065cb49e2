import type { UserRole } from '@gradsheet/shared';

/**
 * Who made a request:
 * - `local`: a service without credentials (one learner's own machine);
 * - `shared`: the one token the service was started with (`--token`);
 * - `user`: an account's token.
 * Only a learner's account is limited to its own runs.
 */
export type Principal = { readonly kind: 'local' } | { readonly kind: 'shared' } | { readonly kind: 'user'; readonly name: string; readonly role: UserRole };

export const LOCAL: Principal = { kind: 'local' };
export const SHARED: Principal = { kind: 'shared' };

export function seesEveryRun(principal: Principal): boolean {
  return principal.kind !== 'user' || principal.role === 'teacher';
}

/** Whether the principal may see (and so stream, cancel, resume, download and delete) this run. */
export function maySee(principal: Principal, run: { readonly owner?: string | undefined }): boolean {
  return seesEveryRun(principal) || (principal.kind === 'user' && run.owner === principal.name);
}

/** The owner a new run of this principal gets: an account's name, or none. */
export function ownerOf(principal: Principal): string | undefined {
  return principal.kind === 'user' ? principal.name : undefined;
}
