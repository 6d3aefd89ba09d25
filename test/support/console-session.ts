/**
 * Signing a staff member in to the console the way a person does, for the browser tests: a fresh
 * browser context, the sign-in page, e-mail and the test password, then the page sign-in leads to.
 * For tests that post forms over real HTTP without a browser, signInOverHttp does the same with
 * fetch and a cookie jar.
 */
import type { Browser, BrowserContextOptions, Page } from "playwright-core";
import { TEST_PASSWORD } from "./staff.ts";

/** How to open the session: the context's options (default a 390×844 phone) and where sign-in lands. */
export interface ConsoleSignInOptions {
  context?: BrowserContextOptions;
  /** The URL sign-in must reach (default any console page). */
  landsOn?: RegExp;
  /** Permissions the context grants the console (e.g. `microphone` for the voice page). */
  permissions?: string[];
  /** A script error in the page fails the test (throws out of the page's 'pageerror'). */
  pageErrorsFail?: boolean;
}

/** A 390×844 phone, the page's CSP not enforced, where a counsellor lands: the inbox. */
export const PHONE_AT_INBOX: ConsoleSignInOptions = {
  context: { viewport: { width: 390, height: 844 }, bypassCSP: true },
  landsOn: /\/console\/inbox$/,
};

/** Signs `email` in at `${base}/console` in a new context; resolves with the page, signed in. */
export async function signInToConsole(
  browser: Browser,
  base: string,
  email: string,
  options: ConsoleSignInOptions = {},
): Promise<Page> {
  const context = await browser.newContext(options.context ?? { viewport: { width: 390, height: 844 } });
  if (options.permissions) await context.grantPermissions(options.permissions);
  const page = await context.newPage();
  if (options.pageErrorsFail)
    page.on("pageerror", (error) => {
      throw error;
    });
  await page.goto(`${base}/console`);
  await page.getByLabel("E-mail").fill(email);
  await page.getByLabel("Password").fill(TEST_PASSWORD);
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.waitForURL(options.landsOn ?? /\/console\//);
  return page;
}

/** A page or a form's answer over HTTP: status, body, and where a redirect points. */
export interface ConsoleResponse {
  status: number;
  body: string;
  location: string | null;
}

/** A signed-in staff member over plain HTTP (no browser): GET pages, POST forms with their cookies. */
export interface ConsoleHttp {
  get(path: string): Promise<ConsoleResponse>;
  /** Posts `form` urlencoded (a list is a repeated field); redirects are not followed. */
  post(path: string, form: Record<string, string | string[]>): Promise<ConsoleResponse>;
}

/** The value of the hidden field `name` in `html` (the first one, or the first after `after`). */
export function hiddenField(html: string, name: string, after = ""): string {
  const from = after ? html.indexOf(after) : 0;
  const found = new RegExp(`name="${name}" value="([^"]*)"`).exec(html.slice(Math.max(from, 0)));
  if (!found?.[1]) throw new Error(`no hidden field ${name}${after ? ` after ${after}` : ""}`);
  return found[1];
}

/** Signs `email` in at `${base}/console` over HTTP, as the sign-in form does. */
export async function signInOverHttp(base: string, email: string): Promise<ConsoleHttp> {
  const jar = new Map<string, string>();
  const send = async (path: string, init: RequestInit = {}): Promise<ConsoleResponse> => {
    const cookie = [...jar].map(([k, v]) => `${k}=${v}`).join("; ");
    const response = await fetch(`${base}${path}`, {
      ...init,
      redirect: "manual",
      headers: { ...(init.headers as Record<string, string>), ...(cookie ? { cookie } : {}) },
    });
    for (const set of response.headers.getSetCookie()) {
      const [pair = ""] = set.split(";");
      const at = pair.indexOf("=");
      jar.set(pair.slice(0, at), pair.slice(at + 1));
    }
    return {
      status: response.status,
      body: await response.text(),
      location: response.headers.get("location"),
    };
  };
  const post = (path: string, form: Record<string, string | string[]>) => {
    const body = new URLSearchParams();
    for (const [name, value] of Object.entries(form))
      for (const one of Array.isArray(value) ? value : [value]) body.append(name, one);
    return send(path, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: body.toString(),
    });
  };
  const page = await send("/console");
  const signedIn = await post("/console/sign-in", {
    email,
    password: TEST_PASSWORD,
    _csrf: hiddenField(page.body, "_csrf"),
  });
  if (signedIn.status !== 303) throw new Error(`sign-in answered ${signedIn.status}`);
  return { get: (path) => send(path), post };
}
