/**
 * How far V8 lets the heap grow past what a major collection found live before it collects
 * again. Left to itself, under a gateway's allocation rate (roughly 1.3 MB a cache-warm dashboard
 * page, nearly all of it garbage once its request is answered), V8 picks its largest factor and the old
 * generation grows to several times the live heap: 51 MB live held 320–343 MB of RSS in the
 * bench. A fixed factor keeps the heap near what is live and still grows with it, so a burst
 * that needs more memory gets it (unlike a heap limit, which would turn that burst into an
 * out-of-memory crash). Measured side by side on one core (NOTES, issue 15): 30% held the
 * cache-warm rows at 187–191 MB and 50% at 192–204. It is paid in CPU, mostly in concurrent
 * marking on V8's helper threads: V8's own factor cost 20% less a cache-warm page (3.97
 * against 4.97 ms, at 316 MB) and 9% less a joint review. The default keeps the memory target.
 *
 * V8 reads this flag each time it sets the next limit (after every major collection), so it
 * can be set once the process runs (Node keeps V8's flags writable for
 * `v8.setFlagsFromString`); NODE_OPTIONS refuses it.
 */
import { setFlagsFromString } from 'node:v8';

/** 0: V8's own factor (between 1.1 and 4, by how fast it collects against how fast the process allocates). */
export function limitHeapGrowth(percent: number): void {
  if (percent > 0) setFlagsFromString(`--heap-growing-percent=${percent}`);
}
