/** Waits for something the processes under test do on their own (a file event, a poll, a reconnect); fails with `what` if it never happens. */
export async function until(condition: () => boolean | Promise<boolean>, what = 'a condition the test waits for'): Promise<void> {
  const deadline = Date.now() + 25_000;
  while (Date.now() < deadline) {
    if (await condition()) return;
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error(`gave up waiting: ${what}`);
}
