/**
 * Server-sent events for live console views (the htmx `sse` extension listens to them). A route
 * opens a stream after requireStaff, sends named events (an HTML fragment htmx swaps in, or
 * text), and stops its subscription when `closed` resolves (the browser went away). A comment
 * line every 20 s keeps proxies from closing an idle stream.
 */
import type { FastifyReply, FastifyRequest } from "fastify";
import type { SafeHtml } from "./html.ts";

/** An open stream to one browser. */
export interface EventStream {
  /** Sends one event; `data` may span lines. Does nothing once closed. */
  send(event: string, data: string | SafeHtml): void;
  /** Ends the stream from the server side. */
  close(): void;
  /** Resolves once the stream is closed, by either side. */
  readonly closed: Promise<void>;
}

const HEARTBEAT_MS = 20_000;

/** Takes over the reply and starts an event stream on it. */
export function openEventStream(request: FastifyRequest, reply: FastifyReply): EventStream {
  reply.hijack();
  const raw = reply.raw;
  raw.writeHead(200, {
    "content-type": "text/event-stream; charset=utf-8",
    "cache-control": "no-store",
    connection: "keep-alive",
    "x-accel-buffering": "no",
  });
  raw.write(": open\n\n");
  let open = true;
  let finish: () => void = () => undefined;
  const closed = new Promise<void>((resolve) => {
    finish = resolve;
  });
  const heartbeat = setInterval(() => open && raw.write(": keep-alive\n\n"), HEARTBEAT_MS);
  heartbeat.unref();
  const end = () => {
    if (!open) return;
    open = false;
    clearInterval(heartbeat);
    finish();
  };
  request.raw.on("close", end);
  raw.on("close", end);
  return {
    send(event, data) {
      if (!open) return;
      const lines = String(data)
        .split(/\r\n|\r|\n/)
        .map((line) => `data: ${line}`);
      raw.write(`event: ${event.replace(/[\r\n]/g, "")}\n${lines.join("\n")}\n\n`);
    },
    close() {
      if (open) raw.end();
      end();
    },
    closed,
  };
}
