/**
 * Issue #12, defect 7: `docker compose up` must not put the bot (and its unauthenticated web chat
 * API), Postgres or Redis on the network by default. Every published port binds to 127.0.0.1
 * unless the operator sets BIND_ADDRESS deliberately. (No Docker engine here: the file is read
 * the way compose reads it, `${VAR:-default}` taking its default.)
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import { expect, test } from "vitest";
import { parse } from "yaml";
import { z } from "zod";

const compose = z.object({
  services: z.record(z.string(), z.object({ ports: z.array(z.string()).optional() })),
});

/** `${NAME:-default}` as compose resolves it with NAME unset. */
const withDefaults = (value: string) => value.replace(/\$\{[A-Z_]+:-([^}]*)\}/g, "$1");

test("every port docker-compose.yml publishes binds to 127.0.0.1 by default", () => {
  const file = compose.parse(
    parse(readFileSync(path.join(import.meta.dirname, "../../docker-compose.yml"), "utf8")),
  );
  const published = Object.entries(file.services).flatMap(([name, service]) =>
    (service.ports ?? []).map((port) => ({ name, port: withDefaults(port) })),
  );
  expect(published.map((p) => p.name)).toContain("app");
  for (const { name, port } of published) {
    // host-ip:host-port:container-port; a port without a host ip is published on every interface.
    expect({ name, host: port.split(":").length === 3 ? port.split(":")[0] : "every interface" }).toEqual({
      name,
      host: "127.0.0.1",
    });
  }
});
