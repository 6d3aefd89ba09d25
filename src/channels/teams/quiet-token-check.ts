/**
 * botframework-connector's token check (its JwtTokenExtractor) writes a refused token's details to
 * the console itself: the whole error of an expired token, or every key of the OpenID document for
 * a signature that does not match. Anyone on the internet can send such tokens, so that is stderr
 * anyone can fill, unstructured, past the logger. Inside `quietly`, console.error calls are dropped
 * (the channel logs why a request was refused, at most once a minute); everywhere else they reach
 * the console as before. The scope is the call's own async context (AsyncLocalStorage), so a
 * request being served at the same moment keeps its console.error.
 */
import { AsyncLocalStorage } from "node:async_hooks";

const inTokenCheck = new AsyncLocalStorage<true>();
/** The filters put in place (a property on the function would be copied onto a spy of it). */
const filters = new WeakSet<typeof console.error>();

/** Puts the filter in front of console.error, again if something replaced it since (a test's spy). */
function filterConsoleError(): void {
  if (filters.has(console.error)) return;
  const next = console.error;
  const filtered = (...args: unknown[]) => {
    if (!inTokenCheck.getStore()) next.apply(console, args);
  };
  filters.add(filtered);
  console.error = filtered;
}

/** Runs `check` with what it console.errors dropped. */
export function quietly<T>(check: () => Promise<T>): Promise<T> {
  filterConsoleError();
  return inTokenCheck.run(true, check);
}
