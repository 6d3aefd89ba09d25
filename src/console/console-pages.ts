/**
 * The console's page modules, in one list (app.ts registers them). A new page is a line here.
 */

import { appointmentPages } from "./appointment-pages.ts";
import { broadcastPages } from "./broadcast-pages.ts";
import { caseErasurePages } from "./case-erasure-pages.ts";
import { casePages } from "./case-pages.ts";
import type { ConsolePageModule } from "./console-plugin.ts";
import { funnelPage } from "./funnel-page.ts";
import { inboxPages } from "./inbox-pages.ts";
import { leadPages } from "./lead-pages.ts";
import { mePages } from "./me-pages.ts";
import { placementPages } from "./placement-pages.ts";
import { posterPage } from "./poster-page.ts";
import { staffPages } from "./staff-pages.ts";
import { taskPages } from "./task-pages.ts";
import { vacancyPages } from "./vacancy-pages.ts";
import { visitPages } from "./visit-pages.ts";
import { voicePages } from "./voice-pages.ts";

export const CONSOLE_PAGES: readonly ConsolePageModule[] = [
  inboxPages,
  leadPages,
  casePages,
  caseErasurePages,
  appointmentPages,
  placementPages,
  staffPages,
  taskPages,
  funnelPage,
  vacancyPages,
  visitPages,
  broadcastPages,
  posterPage,
  voicePages,
  mePages,
];
