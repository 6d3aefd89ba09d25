/**
 * The /api/v1 route modules, in one list (app.ts registers them). A new module is a line here.
 */
import type { ApiModule } from "./api-route.ts";
import { appointmentApi } from "./appointment-api.ts";
import { broadcastApi } from "./broadcast-api.ts";
import { caseApi } from "./case-api.ts";
import { caseErasureApi } from "./case-erasure-api.ts";
import { funnelApi } from "./funnel-api.ts";
import { inboxApi } from "./inbox-api.ts";
import { leadApi } from "./lead-api.ts";
import { placementApi } from "./placement-api.ts";
import { taskApi } from "./task-api.ts";
import { vacancyApi } from "./vacancy-api.ts";
import { vacancyMatchApi } from "./vacancy-match-api.ts";
import { visitApi } from "./visit-api.ts";

export const API_MODULES: readonly ApiModule[] = [
  caseApi,
  caseErasureApi,
  leadApi,
  inboxApi,
  taskApi,
  funnelApi,
  vacancyApi,
  vacancyMatchApi,
  visitApi,
  appointmentApi,
  placementApi,
  broadcastApi,
];
