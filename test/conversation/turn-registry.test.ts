/** The registry the domains fill: dispatch by button prefix, menu order, and registrations that clash. */
import { expect, test } from "vitest";
import {
  buttonHandler,
  createTurnRegistry,
  onButton,
  onCommand,
  onEffect,
  onFlowCompleted,
  type TurnRegistration,
} from "../../src/conversation/turn-registry.ts";
import { domainTurns } from "../../src/domain/turn-handlers.ts";

const noop = async () => undefined;
const effects: TurnRegistration[] = [
  onEffect("record_consent", noop),
  onEffect("link_case", noop),
  onEffect("erase_client", noop),
  onEffect("notify_counsellor", noop),
  onEffect("set_voice", noop),
];

test("the domains' registrations make one registry, commands in menu order", () => {
  const registry = createTurnRegistry(
    domainTurns({ db: {} as never, queue: {} as never, timeZone: "Europe/Brussels" }),
  );
  expect(registry.commands.map((c) => c.name)).toEqual([
    "start",
    "appointments",
    "assessment",
    "alerts",
    "language",
    "counsellor",
    "privacy",
    "delete",
    "stop",
    "link",
    "help",
    "voice",
  ]);
  for (const prefix of ["appt", "checkin", "job", "jobwhy", "jobshow", "cmd"]) {
    expect(buttonHandler(registry, `${prefix}:abc:1`), prefix).toBeDefined();
  }
  expect([...registry.completions.keys()].sort()).toEqual(["alerts", "retention_checkin", "self_assessment"]);
});

test("a button id goes to the handler of its prefix, and only that", () => {
  const tap = () => true;
  const registry = createTurnRegistry([...effects, onButton("visit", tap)]);
  expect(buttonHandler(registry, "visit:1:yes")).toBe(tap);
  expect(buttonHandler(registry, "visitor:1")).toBeUndefined();
  expect(buttonHandler(registry, "lang:nl")).toBeUndefined();
});

test("a prefix, command or flow completion registered twice, or an effect with no handler, is refused", () => {
  expect(() =>
    createTurnRegistry([...effects, onButton("a", () => true), onButton("a", () => false)]),
  ).toThrow('button prefix "a" is registered twice');
  const command = { name: "x", order: 1, descriptionKey: "k", handle: () => undefined };
  expect(() => createTurnRegistry([...effects, onCommand(command), onCommand(command)])).toThrow(
    /command "x"/,
  );
  expect(() =>
    createTurnRegistry([...effects, onFlowCompleted("f", noop), onFlowCompleted("f", noop)]),
  ).toThrow(/flow completion "f"/);
  expect(() => createTurnRegistry(effects.slice(1))).toThrow("no handler for effect record_consent");
});
