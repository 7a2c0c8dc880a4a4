/** The error a cancelled build rejects with: the signal's reason (an `AbortError` by default). */
export function abortError(signal: AbortSignal): Error {
  const reason: unknown = signal.reason;
  return reason instanceof Error ? reason : new DOMException('The build was cancelled', 'AbortError');
}

/**
 * Waits for `work`. If `signal` aborts first, calls `onAbort` (tell the compiler to stop), gives
 * `work` up to `graceMs` to wind down so nothing of it still writes when this settles, then
 * rejects with the abort reason either way: a superseded build counts as cancelled even if it
 * finished in its last milliseconds.
 */
export function settleOrAbort<T>(
  work: Promise<T>,
  signal: AbortSignal,
  onAbort: () => void,
  graceMs: number,
): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    let timer: NodeJS.Timeout | undefined;
    const cancelled = (): void => {
      clearTimeout(timer);
      reject(abortError(signal));
    };
    const abort = (): void => {
      onAbort();
      timer = setTimeout(cancelled, graceMs);
      work.then(cancelled, cancelled);
    };
    if (signal.aborted) return abort();
    signal.addEventListener('abort', abort, { once: true });
    work.then(
      (value) => {
        if (signal.aborted) return;
        signal.removeEventListener('abort', abort);
        resolve(value);
      },
      (error: unknown) => {
        if (signal.aborted) return;
        signal.removeEventListener('abort', abort);
        reject(error instanceof Error ? error : new Error(String(error)));
      },
    );
  });
}
