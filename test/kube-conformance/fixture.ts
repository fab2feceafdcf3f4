import { it } from 'vitest';

/**
 * One conformance fixture: what the emulator must answer, and where the real server's answer is
 * written down (a file in kubernetes/kubernetes or external-secrets/external-secrets at the commit
 * read, or an API documentation page). The source is part of the test's name so a failing run says
 * where to look.
 */
export function fixture(title: string, source: string, run: () => Promise<void>, timeout?: number): void {
  it(`${title} — per ${source}`, run, timeout);
}

/** The repositories' paths the fixtures cite. */
export const ESO = 'external-secrets/external-secrets';
export const K8S = 'kubernetes/kubernetes';
