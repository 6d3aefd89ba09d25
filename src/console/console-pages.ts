/**
 * The console's page modules, in one list (app.ts registers them). A new page is a line here.
 */

import { casePages } from "./case-pages.ts";
import type { ConsolePageModule } from "./console-plugin.ts";
import { leadPages } from "./lead-pages.ts";
import { staffPages } from "./staff-pages.ts";

export const CONSOLE_PAGES: readonly ConsolePageModule[] = [leadPages, casePages, staffPages];
