/**
 * The console's page frame: header with the organisation's console name and the staff member,
 * the navigation (Inbox, Leads, Cases, Tasks, Staff…), and the main content. One column on a phone,
 * a skip link and visible focus for keyboards, every control labelled. Navigation entries appear
 * only when their page is registered and the role may open it.
 */
import type { FastifyReply } from "fastify";
import type { StaffIdentity, StaffRole } from "../domain/staff/staff-identity.ts";
import { consoleText } from "./console-context.ts";
import { CSRF_HEADER } from "./csrf.ts";
import { html, type SafeHtml } from "./html.ts";

/** One navigation entry. */
interface NavItem {
  href: string;
  labelKey: string;
  roles?: readonly StaffRole[];
}

/** The console's sections, in order. Pages of other modules register the routes these point at. */
export const NAV_ITEMS: readonly NavItem[] = [
  { href: "/console/inbox", labelKey: "nav_inbox" },
  { href: "/console/leads", labelKey: "nav_leads" },
  { href: "/console/cases", labelKey: "nav_cases" },
  { href: "/console/tasks", labelKey: "nav_tasks" },
  { href: "/console/vacancies", labelKey: "nav_vacancies", roles: ["counsellor", "coordinator"] },
  { href: "/console/broadcasts", labelKey: "nav_broadcasts", roles: ["counsellor", "coordinator"] },
  { href: "/console/voice", labelKey: "nav_voice" },
  { href: "/console/funnel", labelKey: "nav_funnel", roles: ["coordinator"] },
  { href: "/console/staff", labelKey: "nav_staff", roles: ["coordinator"] },
];

/**
 * What a page is called. The `<h1>` says what a reader needs ("Conversation with Ana (Romani)");
 * the browser's tab says first what tells this tab from the others ("Ana"), then the section and
 * the console's name: "Ana – Inbox – Counsellor console".
 */
export interface PageTitle {
  /** The `<h1>`. */
  heading: string;
  /** The tab's first words (default: the heading). */
  tab?: string;
  /** The section (a NAV_ITEMS href) the page belongs to when its address does not say it. */
  section?: string;
}

/** A tab's title from its parts, most particular first: empty ones and repeats left out. */
export function tabTitle(...parts: readonly (string | undefined)[]): string {
  const shown: string[] = [];
  for (const part of parts) if (part && !shown.includes(part)) shown.push(part);
  return shown.join(" – ");
}

/** Security headers of every console page. */
export function consoleHeaders(reply: FastifyReply): FastifyReply {
  return reply
    .header("content-type", "text/html; charset=utf-8")
    .header("cache-control", "no-store")
    .header("referrer-policy", "no-referrer")
    .header("x-content-type-options", "nosniff")
    .header("x-frame-options", "DENY")
    .header(
      "content-security-policy",
      "default-src 'self'; img-src 'self' data:; media-src 'self' blob:; style-src 'self'; script-src 'self'; frame-ancestors 'none'; form-action 'self'",
    );
}

/** The whole document around `body`, for a page that needs no signed-in staff member. */
export function documentHtml(
  locale: string,
  title: string,
  body: SafeHtml,
  bodyAttributes?: SafeHtml,
): SafeHtml {
  return html`<!doctype html>
<html lang="${locale}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="htmx-config" content='{"includeIndicatorStyles":false,"allowEval":false}'>
<title>${title}</title>
<link rel="stylesheet" href="/console/assets/console.css">
<script src="/console/assets/htmx.min.js" defer></script>
<script src="/console/assets/htmx-sse.js" defer></script>
<script src="/console/assets/console.js" defer></script>
</head>
<body ${bodyAttributes ?? ""}>${body}</body>
</html>`;
}

/**
 * Sends a console page: `title` (already translated: the heading, or a PageTitle) and `body`
 * inside the layout, in the staff member's language. Use it from any route behind requireStaff.
 */
export function renderPage(
  reply: FastifyReply,
  staff: StaffIdentity,
  title: string | PageTitle,
  body: SafeHtml,
): FastifyReply {
  const page = typeof title === "string" ? { heading: title } : title;
  const { translator } = reply.server.consoleContext;
  const t = (key: string) => consoleText(translator, staff.locale, key);
  const session = reply.request.staffSession;
  const current = reply.request.url.split("?")[0] ?? "";
  const items = NAV_ITEMS.filter(
    (item) =>
      (!item.roles || item.roles.includes(staff.role)) &&
      reply.server.hasRoute({ method: "GET", url: item.href }),
  );
  const section = items.find((item) => (page.section ?? current).startsWith(item.href));
  const nav = items.map(
    (item) =>
      html`<li><a href="${item.href}" ${item === section ? html`aria-current="page"` : ""}>${t(item.labelKey)}</a></li>`,
  );
  const headers = session ? JSON.stringify({ [CSRF_HEADER]: session.csrfToken }) : "{}";
  const body2 = html`<a class="skip" href="#main">${t("skip_to_content")}</a>
<header class="top">
  <span class="brand">${t("app_name")}</span>
  <span class="who">${session?.name ?? ""} · ${t(`role_${staff.role}`)} · <a href="/console/me" ${current === "/console/me" ? html`aria-current="page"` : ""}>${translator.t("staff-teams.me_title", staff.locale)}</a></span>
  <form method="post" action="/console/sign-out" class="signout">
    <input type="hidden" name="_csrf" value="${session?.csrfToken ?? ""}">
    <button type="submit">${t("sign_out")}</button>
  </form>
</header>
<nav class="sections" aria-label="${t("nav_label")}"><ul>${nav}</ul></nav>
<main id="main" tabindex="-1">
<h1>${page.heading}</h1>
${body}
</main>`;
  return consoleHeaders(reply).send(
    String(
      documentHtml(
        staff.locale,
        tabTitle(page.tab ?? page.heading, section && t(section.labelKey), t("app_name")),
        body2,
        html`hx-headers='${headers}'`,
      ),
    ),
  );
}
