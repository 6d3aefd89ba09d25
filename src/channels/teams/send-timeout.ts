/**
 * A bound on one Teams send. botbuilder passes no abort signal or timeout to the Bot Connector,
 * so a send could wait for its answer longer than the outbox's sending lease and be swept as
 * uncertain while still in flight. `withinSendTimeout` ends the send after `timeoutMs` with an
 * `uncertain` SendError (the request may have reached Teams, as with Telegram's timeout) and
 * aborts its connector requests: the send runs with an AbortSignal in an AsyncLocalStorage, and
 * `sendAbortPolicy`, in every connector client's pipeline (teams-auth.ts), hands it to each
 * request. A token request to the login host is not aborted, only no longer waited for.
 */
import { AsyncLocalStorage } from "node:async_hooks";
import { SendError } from "../types.ts";

const sendSignal = new AsyncLocalStorage<AbortSignal>();

/** The part of an Azure core pipeline request and policy this needs. */
interface AbortableRequest {
  abortSignal?: unknown;
}
interface Policy<R extends AbortableRequest> {
  name: string;
  sendRequest(request: R, next: (request: R) => Promise<unknown>): Promise<unknown>;
}

/** Gives each connector request the signal of the send it belongs to (none outside a send). */
export const sendAbortPolicy: Policy<AbortableRequest> = {
  name: "teamsSendAbort",
  sendRequest(request, next) {
    const signal = sendSignal.getStore();
    if (signal && !request.abortSignal) request.abortSignal = signal;
    return next(request);
  },
};

/** Runs `send`; after `timeoutMs` rejects with an uncertain SendError and aborts its requests. */
export async function withinSendTimeout<T>(timeoutMs: number, send: () => Promise<T>): Promise<T> {
  const controller = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      reject(new SendError("uncertain", `Teams send timed out after ${timeoutMs} ms`));
      controller.abort();
    }, timeoutMs);
    timer.unref();
  });
  try {
    // The race owns the send after a timeout too: its late failure (the abort) is handled.
    return await Promise.race([sendSignal.run(controller.signal, send), timedOut]);
  } finally {
    clearTimeout(timer);
  }
}
