import type { Reply } from './envelope.js';

/** A failure to inject, so runbooks and tests can rehearse a Vault that answers 5xx. */
export interface Fault {
  /** Requests whose path (after `/v1/`) starts with this, or matches this pattern. */
  path?: string | RegExp;
  method?: string;
  status: number;
  /** Errors to answer with; default `["internal error"]` as Vault's multierror. */
  errors?: string[];
  /** How many requests fail before the fault clears itself; default: until cleared. */
  times?: number;
}

/** The faults in force; checked before anything else, as a failing load balancer would. */
export class FaultTable {
  private faults: Fault[] = [];

  add(fault: Fault): () => void {
    this.faults.push({ ...fault });
    return () => this.clear(fault);
  }

  clear(fault?: Fault): void {
    this.faults = fault ? this.faults.filter((f) => f.path !== fault.path || f.method !== fault.method) : [];
  }

  take(method: string, path: string): Reply | undefined {
    const fault = this.faults.find(
      (f) =>
        (!f.method || f.method.toUpperCase() === method) &&
        (f.path === undefined || (typeof f.path === 'string' ? path.startsWith(f.path) : f.path.test(path))),
    );
    if (!fault) return undefined;
    if (fault.times !== undefined && --fault.times <= 0) this.faults = this.faults.filter((f) => f !== fault);
    return {
      status: fault.status,
      body: { errors: fault.errors ?? ['1 error occurred:\n\t* internal error\n\n'] },
    };
  }
}
