/**
 * `broadcast create | cancel | report | list`, `list save` and `case label`: a counsellor sends a
 * job update or a programme message to a segment of their organisation's clients, with a text
 * per language; sees who would get it before (`--dry-run`), and what happened to every message
 * after. Several values of one option are separated by commas (`--place Anderlecht,Molenbeek`).
 */

import { broadcastReport } from "../domain/broadcasts/broadcast-report.ts";
import {
  type BroadcastPreview,
  cancelBroadcast,
  createBroadcast,
  listBroadcasts,
  previewBroadcast,
} from "../domain/broadcasts/broadcasts.ts";
import { saveList } from "../domain/broadcasts/saved-lists.ts";
import { describeSegment, type Segment } from "../domain/broadcasts/segment.ts";
import { updateCaseLabels } from "../domain/cases/case-labels.ts";
import { DomainError } from "../domain/errors.ts";
import { CLIENT_LOCALES } from "../i18n/translator.ts";
import type { CliCommand, CliOption, CommandContext, OptionValues } from "./commands.ts";
import { flag, need, string } from "./option-values.ts";
import { formatDateTime, formatFields, formatTable } from "./text-output.ts";

const ORG: CliOption = {
  name: "org",
  type: "string",
  value: "<slug>",
  required: true,
  description: "the organisation's slug",
};

const list = (value: string | undefined): string[] | undefined => {
  const items = (value ?? "")
    .split(",")
    .map((s) => s.trim())
    .filter(Boolean);
  return items.length ? items : undefined;
};

const SEGMENT_OPTIONS: CliOption[] = [
  { name: "programme", type: "string", value: "<slug,…>", description: "segment: programmes" },
  {
    name: "place",
    type: "string",
    value: "<name,…>",
    description: "segment: municipalities or reception centres (see case label)",
  },
  {
    name: "language",
    type: "string",
    value: "<code,…>",
    description: `segment: ${CLIENT_LOCALES.join(", ")}`,
  },
  {
    name: "status",
    type: "string",
    value: "<status,…>",
    description: "segment: lead, intake, preparation, training, working (default: all but closed)",
  },
  { name: "tag", type: "string", value: "<tag,…>", description: "segment: case tags (any of them)" },
  { name: "list", type: "string", value: "<name>", description: "segment: a saved list (see list save)" },
];

function segmentOf(values: OptionValues): Segment {
  const segment: Record<string, unknown> = {};
  for (const name of ["programme", "place", "language", "status", "tag"]) {
    const items = list(string(values, name));
    if (items) segment[name] = items;
  }
  const saved = string(values, "list");
  if (saved) segment.list = saved;
  return segment as Segment;
}

/** `rom=ro,*=fr` → { rom: "ro", "*": "fr" }. */
function fallbacksOf(value: string | undefined): Record<string, string> {
  const fallbacks: Record<string, string> = {};
  for (const item of list(value) ?? []) {
    const [from, to, ...rest] = item.split("=").map((s) => s.trim());
    if (!from || !to || rest.length)
      throw new DomainError(`Invalid --fallback "${item}": use <language>=<language>, e.g. rom=ro or *=fr.`);
    fallbacks[from] = to;
  }
  return fallbacks;
}

function previewText(preview: BroadcastPreview): string {
  const rows = preview.byLanguage.map((l) => [
    l.locale,
    String(l.people),
    l.textLocale === null ? "MISSING" : l.textLocale === l.locale ? "own text" : `gets ${l.textLocale}`,
  ]);
  const lines = [
    formatTable(["LANGUAGE", "PEOPLE", "TEXT"], rows),
    "",
    formatFields("Segment", [
      ["Will get it", String(preview.recipients)],
      ["Opted out", String(preview.optedOut)],
      ["Blocked the bot", String(preview.blocked)],
      ["No conversation", String(preview.noConversation)],
      [
        "Goes out",
        `${formatDateTime(preview.sendAt, preview.timeZone)}${preview.movedOutOfQuietHours ? " (after quiet hours)" : ""}`,
      ],
    ]),
  ];
  return lines.join("\n");
}

async function broadcastDeps({ db, config, scheduling }: CommandContext) {
  const { broadcasts } = await scheduling();
  if (!broadcasts) throw new Error("the broadcasts queue is not available");
  return { db, queue: broadcasts, defaultTimeZone: config.TZ_DEFAULT };
}

const createCommand: CliCommand = {
  words: ["broadcast", "create"],
  summary:
    "Send a message to a segment, a text per language; refused while a language in it has no text or explicit fallback.",
  options: [
    ORG,
    {
      name: "counsellor",
      type: "string",
      value: "<email>",
      required: true,
      description: "who sends it (of the organisation)",
    },
    {
      name: "kind",
      type: "string",
      value: "job_update|programme",
      description: "the header the client sees (default programme)",
    },
    {
      name: "vacancy",
      type: "string",
      value: "<vacancy id>",
      description: "the vacancy a job update is about",
    },
    ...SEGMENT_OPTIONS,
    ...CLIENT_LOCALES.map((locale) => ({
      name: `text-${locale}`,
      type: "string" as const,
      value: "<text>",
      description: `the text in ${locale} (written or checked by a person)`,
    })),
    {
      name: "fallback",
      type: "string",
      value: "<lang>=<lang>,…",
      description: "explicit fallbacks: rom=ro (Romani readers get the Romanian text), *=fr (everyone else)",
    },
    {
      name: "at",
      type: "string",
      value: "YYYY-MM-DD HH:MM",
      description: "local time to send (default now); quiet hours move it to their end",
    },
    {
      name: "dry-run",
      type: "boolean",
      description: "show who would get it in which language; send nothing",
    },
  ],
  async run(values, context) {
    const texts: Record<string, string> = {};
    for (const locale of CLIENT_LOCALES) {
      const text = string(values, `text-${locale}`);
      if (text) texts[locale] = text;
    }
    const at = string(values, "at");
    const vacancy = string(values, "vacancy");
    const input = {
      organisationSlug: need(values, "org"),
      counsellorEmail: need(values, "counsellor"),
      kind: (string(values, "kind") ?? "programme") as "programme",
      segment: segmentOf(values),
      texts,
      fallbacks: fallbacksOf(string(values, "fallback")),
      ...(at ? { at } : {}),
      ...(vacancy ? { vacancyId: vacancy } : {}),
    };
    const deps = await broadcastDeps(context);
    if (flag(values, "dry-run")) {
      const preview = await previewBroadcast(deps, input);
      const missing = preview.missing.length
        ? `\n\nMissing texts: ${preview.missing.map((m) => `${m.locale} (${m.people})`).join(", ")}. It would be refused.`
        : "";
      return { json: preview, text: `Dry run: nothing sent.\n\n${previewText(preview)}${missing}` };
    }
    const { broadcast, preview } = await createBroadcast(deps, input);
    return {
      json: { broadcast, preview },
      text: `Broadcast ${broadcast.id} (${describeSegment(input.segment)})\n\n${previewText(preview)}\n\nSee how it goes: broadcast report ${broadcast.id} --org ${input.organisationSlug}`,
    };
  },
};

const BROADCAST_ID = {
  name: "broadcast-id",
  value: "<broadcast id>",
  description: "the broadcast's id",
} as const;

const cancelCommand: CliCommand = {
  words: ["broadcast", "cancel"],
  summary: "Stop a broadcast: messages not yet handed to Telegram are withdrawn.",
  argument: BROADCAST_ID,
  options: [ORG],
  async run(values, { db }) {
    const result = await cancelBroadcast(db, {
      broadcastId: need(values, "broadcast-id"),
      organisationSlug: need(values, "org"),
    });
    return {
      json: result,
      text: formatFields("Broadcast cancelled", [
        ["Messages withdrawn", String(result.withdrawn)],
        ["Not written yet", String(result.notWritten)],
      ]),
    };
  },
};

const reportCommand: CliCommand = {
  words: ["broadcast", "report"],
  summary: "What happened to every message of a broadcast, and who replied.",
  argument: BROADCAST_ID,
  options: [ORG],
  async run(values, { db, config }) {
    const report = await broadcastReport(db, {
      broadcastId: need(values, "broadcast-id"),
      organisationSlug: need(values, "org"),
    });
    const zone = config.TZ_DEFAULT;
    const replied = report.replied.length
      ? `\n\n${formatTable(
          ["CASE", "REFERENCE", "REPLIED"],
          report.replied.map((r) => [r.caseId ?? "-", r.reference ?? "-", formatDateTime(r.at, zone)]),
        )}`
      : "";
    return {
      json: report,
      text: `${formatFields(`Broadcast ${report.broadcast.id} (${report.broadcast.status})`, [
        ["Segment", report.segment],
        ["Recipients", String(report.recipients)],
        ["Sent", String(report.sent)],
        ["Pending", String(report.pending)],
        ["Failed", `${report.failed}${report.uncertain ? ` (${report.uncertain} may have arrived)` : ""}`],
        ["Blocked the bot", String(report.blocked)],
        ["Opted out", String(report.optedOut)],
        ["No text in their language", String(report.noText)],
        ["Cancelled", String(report.cancelled)],
        ["Replied", String(report.replied.length)],
      ])}${replied}`,
    };
  },
};

const listCommand: CliCommand = {
  words: ["broadcast", "list"],
  summary: "The organisation's latest broadcasts.",
  options: [ORG],
  async run(values, { db, config }) {
    const broadcasts = await listBroadcasts(db, need(values, "org"));
    return {
      json: broadcasts,
      text: broadcasts.length
        ? formatTable(
            ["ID", "KIND", "STATUS", "SEND AT", "LANGUAGES"],
            broadcasts.map((b) => [
              b.id,
              b.kind,
              b.status,
              formatDateTime(b.sendAt, config.TZ_DEFAULT),
              Object.keys(b.texts as object).join(","),
            ]),
          )
        : "No broadcasts yet.",
    };
  },
};

const listSaveCommand: CliCommand = {
  words: ["list", "save"],
  summary: "Save a named list of cases, for broadcast --list (the same name again replaces it).",
  options: [
    ORG,
    { name: "name", type: "string", value: "<name>", required: true, description: "the list's name" },
    { name: "cases", type: "string", value: "<case id,…>", required: true, description: "its cases" },
  ],
  async run(values, { db }) {
    const saved = await saveList(db, {
      organisationSlug: need(values, "org"),
      name: need(values, "name"),
      caseIds: list(need(values, "cases")) ?? [],
    });
    return {
      json: saved,
      text: formatFields("List saved", [
        ["Name", saved.name],
        ["Cases", String(saved.caseIds.length)],
      ]),
    };
  },
};

const caseLabelCommand: CliCommand = {
  words: ["case", "label"],
  summary: "Set a case's place (municipality or reception centre) and tags, for broadcast segments.",
  argument: { name: "case-id", value: "<case id>", description: "the case's id" },
  options: [
    {
      name: "counsellor",
      type: "string",
      value: "<email>",
      required: true,
      description: "a counsellor of the case's organisation",
    },
    {
      name: "place",
      type: "string",
      value: "<name>",
      description: 'where the client lives or stays ("" clears)',
    },
    { name: "add-tag", type: "string", value: "<tag,…>", description: "tags to add" },
    { name: "remove-tag", type: "string", value: "<tag,…>", description: "tags to remove" },
  ],
  async run(values, { db }) {
    const place = string(values, "place");
    const updated = await updateCaseLabels(db, {
      caseId: need(values, "case-id"),
      counsellorEmail: need(values, "counsellor"),
      ...(place !== undefined ? { place } : {}),
      addTags: list(string(values, "add-tag")) ?? [],
      removeTags: list(string(values, "remove-tag")) ?? [],
    });
    return {
      json: updated,
      text: formatFields("Case labelled", [
        ["Case", updated.id],
        ["Place", updated.place ?? "-"],
        ["Tags", updated.tags.join(", ") || "-"],
      ]),
    };
  },
};

export const broadcastCommands: readonly CliCommand[] = [
  createCommand,
  cancelCommand,
  reportCommand,
  listCommand,
  listSaveCommand,
  caseLabelCommand,
];
