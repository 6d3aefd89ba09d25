/**
 * What staff call a flow: a console string per flow id (`console.flow_self_assessment`:
 * "Self-assessment questionnaire"), in every counsellor language, so the console never shows a
 * file name or an id. `npm run flows:check` asks for it for every flow it loads.
 */
export function flowNameKey(flowId: string): string {
  return `console.flow_${flowId}`;
}
