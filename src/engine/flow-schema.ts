/**
 * The flow file format (`flows/*.yaml`), as a zod schema: the single definition of what a flow
 * may say. A flow references locale keys, never literal text. `formatVersion` is the version of
 * this format; `version` is the flow's own version, which every run remembers.
 */
import { z } from "zod";

const id = z
  .string()
  .regex(/^[a-z][a-z0-9_]{0,29}$/, "lower-case letters, digits and _, starting with a letter (at most 30)");
const messageKey = z
  .string()
  .regex(/^[a-z][a-z0-9_]*(\.[a-z0-9_]+)+$/, "a locale key such as onboarding.welcome");
const scalar = z.union([z.string(), z.number(), z.boolean()]);

/**
 * Where a value comes from: an answer saved earlier, or a run variable (set by the runtime or an
 * action). `as: date` marks an ISO date to be shown as a date in the person's language.
 */
const valueRef = z.union([
  z.object({ answer: id, as: z.literal("date").optional() }).strict(),
  z.object({ var: id, as: z.literal("date").optional() }).strict(),
]);
export type ValueRef = z.infer<typeof valueRef>;

const comparison = z
  .object({
    equals: scalar.optional(),
    not_equals: scalar.optional(),
    in: z.array(scalar).min(1).optional(),
    includes: scalar.optional(),
    answered: z.boolean().optional(),
    gte: z.number().optional(),
    lte: z.number().optional(),
    before: z.string().optional(),
    on_or_after: z.string().optional(),
  })
  .strict();

export type Condition =
  | (z.infer<typeof comparison> & { answer: string })
  | (z.infer<typeof comparison> & { var: string })
  | { all: Condition[] }
  | { any: Condition[] }
  | { not: Condition };

export const conditionSchema: z.ZodType<Condition> = z.lazy(() =>
  z.union([
    comparison.extend({ answer: id }).strict(),
    comparison.extend({ var: id }).strict(),
    z.object({ all: z.array(conditionSchema).min(1) }).strict(),
    z.object({ any: z.array(conditionSchema).min(1) }).strict(),
    z.object({ not: conditionSchema }).strict(),
  ]),
);

/** Values a message interpolates: literals or references. */
const params = z.record(z.string(), z.union([scalar, valueRef])).optional();

const choice = z
  .object({
    id,
    label: messageKey,
    emoji: z.string().max(16).optional(),
    next: id.optional(),
    when: conditionSchema.optional(),
  })
  .strict();

const base = {
  id,
  when: conditionSchema.optional(),
  next: id.optional(),
};

const question = {
  ...base,
  prompt: messageKey,
  params,
  /** The answer's name in the run (default: the step id). */
  save: id.optional(),
  /** Offers a "skip" button; a skipped answer is stored as null. */
  optional: z.boolean().optional(),
};

const action = z.union([
  z.object({ set_locale: valueRef }).strict(),
  /** Voice notes on or off for the person (a yes/no answer, or true/false). */
  z.object({ set_voice: z.union([z.boolean(), valueRef]) }).strict(),
  z.object({ record_consent: z.enum(["accepted", "declined"]) }).strict(),
  z.object({ link_case: z.literal(true) }).strict(),
  z.object({ erase_client: z.literal(true) }).strict(),
  z.object({ notify_counsellor: id }).strict(),
  z.object({ start_flow: id }).strict(),
  z.object({ set: z.record(id, z.union([scalar, valueRef, z.null()])) }).strict(),
  /** A date computed from another: e.g. the day an applicant may legally work. */
  z
    .object({
      compute_date: z
        .object({ name: id, from: valueRef, add_months: z.union([z.number().int(), valueRef]).optional() })
        .strict(),
    })
    .strict(),
]);
export type ActionSpec = z.infer<typeof action>;

export const stepSchema = z.discriminatedUnion("type", [
  z.object({ ...base, type: z.literal("message"), text: messageKey, params }).strict(),
  z.object({ ...base, type: z.literal("action"), actions: z.array(action).min(1) }).strict(),
  z
    .object({
      ...base,
      type: z.literal("branch"),
      branches: z.array(z.object({ when: conditionSchema, next: id }).strict()).min(1),
      default: id.optional(),
    })
    .strict(),
  z.object({ ...question, type: z.literal("language") }).strict(),
  z.object({ ...question, type: z.literal("choice"), choices: z.array(choice).min(1).max(12) }).strict(),
  z
    .object({
      ...question,
      type: z.literal("multi_choice"),
      choices: z.array(choice).min(1).max(20),
      min: z.number().int().min(0).optional(),
    })
    .strict(),
  z
    .object({ ...question, type: z.literal("yes_no"), yes_next: id.optional(), no_next: id.optional() })
    .strict(),
  z
    .object({
      ...question,
      type: z.literal("number"),
      min: z.number(),
      max: z.number(),
      integer: z.boolean().default(true),
    })
    .strict(),
  z
    .object({
      ...question,
      type: z.literal("date"),
      /** Earliest and latest accepted dates: ISO dates or "today". */
      min: z.string().optional(),
      max: z.string().optional(),
    })
    .strict(),
  z
    .object({
      ...question,
      type: z.literal("text"),
      max_length: z.number().int().min(1).max(2000).default(500),
    })
    .strict(),
  z.object({ ...base, type: z.literal("end"), text: messageKey.optional(), params }).strict(),
]);

export const flowSchema = z
  .object({
    formatVersion: z.literal(1),
    id,
    version: z.number().int().min(1),
    description: z.string().optional(),
    /** Facts the runtime passes in when the run starts (readable as `var:` in conditions). */
    inputs: z.array(id).default([]),
    /** The first step (default: the first in the list). */
    start: id.optional(),
    settings: z
      .object({
        /** Offer "back", "start again" and "ask my counsellor" at every question. */
        navigation: z.boolean().default(false),
        /** Wrong answers before the person is offered to go on or ask their counsellor. */
        max_attempts: z.number().int().min(1).max(10).default(3),
      })
      .strict()
      .default({ navigation: false, max_attempts: 3 }),
    steps: z.array(stepSchema).min(1),
  })
  .strict();

export type FlowFile = z.input<typeof flowSchema>;
