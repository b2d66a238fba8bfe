import { CircuitBreaker } from '../../subgraphs/shared/breaker';

describe('CircuitBreaker', () => {
  let now = 0;
  const breaker = () => new CircuitBreaker({ failureThreshold: 3, openMs: 1000, now: () => now });

  it('opens after consecutive failures, fails fast, lets one probe through after a while, closes on its success', () => {
    now = 0;
    const b = breaker();
    b.failure();
    b.failure();
    expect(b.state).toEqual({ state: 'closed', failures: 2 });
    b.failure();
    expect(b.state).toEqual({ state: 'open', since: 0 });
    expect(b.allow()).toBe(false);
    now = 1000;
    expect(b.allow()).toBe(true);
    expect(b.state).toEqual({ state: 'half-open', probing: true });
    expect(b.allow()).toBe(false); // one probe at a time
    b.success();
    expect(b.state).toEqual({ state: 'closed', failures: 0 });
  });

  it('opens again when the probe fails; a success in between resets the count', () => {
    now = 0;
    const b = breaker();
    b.failure();
    b.failure();
    b.success();
    b.failure();
    expect(b.state).toEqual({ state: 'closed', failures: 1 });
    b.failure();
    b.failure();
    now = 5000;
    expect(b.allow()).toBe(true);
    b.failure();
    expect(b.state).toEqual({ state: 'open', since: 5000 });
  });
});
