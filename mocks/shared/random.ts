/**
 * A small seeded generator (mulberry32): the same seed gives the same county on every
 * machine, so identifiers quoted in the README and the tests stay true.
 */
export class SeededRandom {
  private state: number;

  constructor(seed: number) {
    this.state = seed >>> 0;
  }

  /** A float in [0, 1). */
  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  /** An integer in [min, max], both ends included. */
  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }

  chance(probability: number): boolean {
    return this.next() < probability;
  }

  pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.next() * items.length)]!;
  }

  digits(count: number): string {
    let s = '';
    for (let i = 0; i < count; i++) s += String(this.int(0, 9));
    return s;
  }

  chars(alphabet: string, count: number): string {
    let s = '';
    for (let i = 0; i < count; i++) s += alphabet[this.int(0, alphabet.length - 1)];
    return s;
  }

  /** A date between two ISO dates, as YYYY-MM-DD. */
  date(fromIso: string, toIso: string): string {
    const from = Date.parse(fromIso);
    const to = Date.parse(toIso);
    return new Date(from + Math.floor(this.next() * (to - from))).toISOString().slice(0, 10);
  }

  /** Money or areas with two decimals. */
  amount(min: number, max: number): number {
    return Math.round((min + this.next() * (max - min)) * 100) / 100;
  }
}
