/**
 * The Teams app package an admin uploads: manifest.json (schema 1.19) naming our bot by
 * MICROSOFT_APP_ID, and the two icons (color 192×192, outline 32×32), zipped with fflate (no
 * dependencies, no install scripts). The manifest is checked with zod before it is written, so a
 * package Teams would refuse is never produced.
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import { zipSync } from "fflate";
import { z } from "zod";

export const ICONS_DIR = path.join("assets", "teams");

const https = z.url({ protocol: /^https$/ });
const guid = z.string().regex(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i, "a GUID");

/** The part of Teams' manifest schema we fill in. */
export const manifestSchema = z.strictObject({
  $schema: z.literal(
    "https://developer.microsoft.com/en-us/json-schemas/teams/v1.19/MicrosoftTeams.schema.json",
  ),
  manifestVersion: z.literal("1.19"),
  version: z.string().regex(/^\d+\.\d+\.\d+$/),
  id: guid,
  developer: z.strictObject({
    name: z.string().min(1).max(32),
    websiteUrl: https,
    privacyUrl: https,
    termsOfUseUrl: https,
  }),
  name: z.strictObject({ short: z.string().min(1).max(30), full: z.string().max(100) }),
  description: z.strictObject({ short: z.string().min(1).max(80), full: z.string().min(1).max(4000) }),
  icons: z.strictObject({ color: z.literal("color.png"), outline: z.literal("outline.png") }),
  accentColor: z.string().regex(/^#[0-9A-Fa-f]{6}$/),
  bots: z
    .array(
      z.strictObject({
        botId: guid,
        scopes: z.array(z.literal("personal")).min(1),
        supportsFiles: z.boolean(),
        isNotificationOnly: z.boolean(),
        commandLists: z.array(
          z.strictObject({
            scopes: z.array(z.literal("personal")),
            commands: z
              .array(
                z.strictObject({ title: z.string().min(1).max(32), description: z.string().min(1).max(128) }),
              )
              .max(10),
          }),
        ),
      }),
    )
    .length(1),
  permissions: z.array(z.enum(["identity", "messageTeamMembers"])),
  validDomains: z.array(z.string().min(1)),
});

export type TeamsManifest = z.infer<typeof manifestSchema>;

/** A row of the command table, as far as the package needs it. */
interface CommandRow {
  name: string;
  order: number;
  descriptionKey: string;
  notOn?: readonly string[];
}

/** The commands Teams lists, in order, described by `describe` (English): none it cannot do. */
export const teamsCommandList = (
  commands: readonly CommandRow[],
  describe: (key: string) => string,
): PackageInput["commands"] =>
  [...commands]
    .filter((c) => !c.notOn?.includes("teams"))
    .sort((a, b) => a.order - b.order)
    .map((c) => ({ title: c.name, description: describe(c.descriptionKey) }));

export interface PackageInput {
  appId: string;
  /** PUBLIC_URL: the bot's https address (the developer, privacy and terms links point there). */
  publicUrl: string;
  version?: string;
  /** The commands shown in Teams' command menu, with English descriptions. */
  commands: { title: string; description: string }[];
}

/** The manifest for `input`; throws a ZodError naming the field Teams would refuse. */
export function buildManifest(input: PackageInput): TeamsManifest {
  const base = new URL(input.publicUrl);
  return manifestSchema.parse({
    $schema: "https://developer.microsoft.com/en-us/json-schemas/teams/v1.19/MicrosoftTeams.schema.json",
    manifestVersion: "1.19",
    version: input.version ?? "1.0.0",
    id: input.appId,
    developer: {
      name: "Candidate engagement bot",
      websiteUrl: base.toString(),
      privacyUrl: base.toString(),
      termsOfUseUrl: base.toString(),
    },
    name: { short: "Job coach", full: "Job coach: employment programme assistant" },
    description: {
      short: "Your programme's assistant: appointments, jobs, questions.",
      full: "Talk to your employment programme in your own language: appointments and reminders, job offers, a self-assessment, and your counsellor when you need them.",
    },
    icons: { color: "color.png", outline: "outline.png" },
    accentColor: "#1F5F8B",
    bots: [
      {
        botId: input.appId,
        scopes: ["personal"],
        supportsFiles: false,
        isNotificationOnly: false,
        commandLists: [{ scopes: ["personal"], commands: input.commands.slice(0, 10) }],
      },
    ],
    permissions: ["identity", "messageTeamMembers"],
    validDomains: [base.host],
  });
}

/** A PNG's width and height (from its IHDR chunk); undefined for anything that is no PNG. */
export function pngSize(bytes: Uint8Array): { width: number; height: number } | undefined {
  const signature = [137, 80, 78, 71, 13, 10, 26, 10];
  if (bytes.length < 24 || signature.some((b, i) => bytes[i] !== b)) return undefined;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  return { width: view.getUint32(16), height: view.getUint32(20) };
}

/** The zipped package: manifest.json, color.png, outline.png at the root. */
export function buildPackage(input: PackageInput, iconsDir = ICONS_DIR): Uint8Array {
  const manifest = buildManifest(input);
  const icons = { "color.png": 192, "outline.png": 32 } as const;
  const files: Record<string, Uint8Array> = {
    "manifest.json": new TextEncoder().encode(`${JSON.stringify(manifest, null, 2)}\n`),
  };
  for (const [name, size] of Object.entries(icons)) {
    const bytes = new Uint8Array(readFileSync(path.join(iconsDir, name)));
    const found = pngSize(bytes);
    if (found?.width !== size || found.height !== size) {
      throw new Error(`${name} must be a ${size}×${size} PNG (Teams refuses the package otherwise)`);
    }
    files[name] = bytes;
  }
  return zipSync(files);
}
