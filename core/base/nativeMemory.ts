/**
 * nodejs-polars keeps a frame's data in native memory that V8 does not count. Node 20 runs the finalizers of native
 * objects on a later turn of the event loop, not inside the garbage collection that found them dead, so a long
 * stretch of polars work whose awaits only meet settled promises keeps every dropped frame's memory until it ends:
 * the causality audit, recomputing the data cells once per cut, grew by a whole copy of them per cut (4.3 GB at 500k
 * rows instead of 1.2 GB). Awaiting this between units of such work lets those finalizers run (docs/design.md §5.4.1).
 */
export function releaseDroppedFrames(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}
