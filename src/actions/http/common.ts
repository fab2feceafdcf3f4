import { z } from 'zod';
import { RotorError } from '../../errors.js';
import { secretParam as secretOrString } from '../secret-param.js';
import { redirectNote, safeOrigin } from '../../ports/http-text.js';
import type { HttpResponse } from '../../ports/http-port.js';

/** Request headers; values may be secrets (an API key), which stay wrapped. */
export const headers = z.record(z.string(), secretOrString).default({});

/** The error for an unexpected status, with what to look at (never the credential or the query). */
export function statusError(method: string, url: string, res: HttpResponse, want: number): RotorError {
  const got = res.status;
  return new RotorError(
    `${method} ${safeOrigin(url)} answered ${got}${redirectNote(res)}, expected ${want}`,
    {
      hint: res.redirectedTo
        ? 'rotor does not follow redirects (they would carry the credential elsewhere): point the URL at the final address'
        : got === 401 || got === 403
          ? 'the credential was refused: has the service picked up the new value?'
          : 'look at the service health and its logs',
    },
  );
}
