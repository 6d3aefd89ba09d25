// Preloaded into the Prisma CLI by src/store/database-setup.ts (`node --import`). The Wasm schema
// engine starts a 10 s timer for its migration lock and never clears it, so `migrate deploy`
// finished its work at ~1.5 s and then waited those 10 s before the process could exit. Timers the
// engine (wasm code) starts are unref'd: they still fire while the process lives, but no longer
// keep it alive. The engine's own I/O keeps the process alive while it works, and the caller
// checks `_prisma_migrations` afterwards, so an early exit could not go unnoticed.
import { promisify } from "node:util";

const setTimeoutOriginal = globalThis.setTimeout;

function setTimeoutEngineUnref(callback, ms, ...args) {
  const timer = setTimeoutOriginal(callback, ms, ...args);
  if (new Error().stack?.includes("wasm://")) timer.unref();
  return timer;
}
setTimeoutEngineUnref[promisify.custom] = setTimeoutOriginal[promisify.custom];
globalThis.setTimeout = setTimeoutEngineUnref;
