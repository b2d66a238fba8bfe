/**
 * A circuit breaker per department: after `failureThreshold` failures in a row it opens
 * and fails fast for `openMs`; then one probe is let through (half-open); its success
 * closes the breaker, its failure opens it again. Failing fast matters for old systems:
 * hammering one that is down keeps it down.
 */
export type BreakerState =
  | { state: 'closed'; failures: number }
  | { state: 'open'; since: number }
  | { state: 'half-open'; probing: boolean };

export interface BreakerOptions {
  failureThreshold: number;
  openMs: number;
  now?: () => number;
}

export class CircuitBreaker {
  private current: BreakerState = { state: 'closed', failures: 0 };
  private readonly now: () => number;

  constructor(private readonly options: BreakerOptions) {
    this.now = options.now ?? (() => Date.now());
  }

  get state(): BreakerState {
    return this.current;
  }

  /** Whether a request may go out now. */
  allow(): boolean {
    const s = this.current;
    if (s.state === 'closed') return true;
    if (s.state === 'open') {
      if (this.now() - s.since < this.options.openMs) return false;
      this.current = { state: 'half-open', probing: true };
      return true;
    }
    if (s.probing) return false;
    this.current = { state: 'half-open', probing: true };
    return true;
  }

  success(): void {
    this.current = { state: 'closed', failures: 0 };
  }

  failure(): void {
    const s = this.current;
    if (s.state === 'half-open' || (s.state === 'closed' && s.failures + 1 >= this.options.failureThreshold)) {
      this.current = { state: 'open', since: this.now() };
    } else if (s.state === 'closed') {
      this.current = { state: 'closed', failures: s.failures + 1 };
    }
  }
}
