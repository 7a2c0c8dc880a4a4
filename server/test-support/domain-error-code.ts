import { isDomainError } from '../core/errors';

/** How a call ended: `ok`, or the domain error's `<code>: <message>` (anything else is thrown). */
export async function outcomeOf(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (error) {
    if (isDomainError(error)) return `${error.code}: ${error.message}`;
    throw error;
  }
  return 'ok';
}
