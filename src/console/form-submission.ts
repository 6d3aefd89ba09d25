/**
 * A console form that writes to clients is sent once, however often it is submitted: the page
 * draws it with a random submission id (a hidden `submission` field, a UUID made when the form is
 * rendered), and the route makes that id part of the idempotency key of what it writes. A
 * double-click, the browser's "resubmit" or a proxy's retry then posts the same id again and finds
 * what the first post made, and answers as it did. console.js disables the form's button while the
 * post is under way (a form with this field is one it looks after).
 */
import { randomUUID } from "node:crypto";
import { z } from "zod";
import { DomainError } from "../domain/errors.ts";
import { html, type SafeHtml } from "./html.ts";

export const SUBMISSION_FIELD = "submission";

/** The hidden field with a new submission id (one per rendered form). */
export function submissionField(): SafeHtml {
  return html`<input type="hidden" name="${SUBMISSION_FIELD}" value="${randomUUID()}">`;
}

const submissionSchema = z.object({ [SUBMISSION_FIELD]: z.uuid() });

/** The posted form's submission id; a form without one (a page from before it had one) is refused. */
export function submissionOf(body: unknown): string {
  const parsed = submissionSchema.safeParse(body ?? {});
  if (!parsed.success) throw new DomainError("The form is out of date.", { code: "form_out_of_date" });
  return parsed.data[SUBMISSION_FIELD];
}
