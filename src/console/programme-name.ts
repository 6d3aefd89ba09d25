/** The name staff read for a programme: its name among the organisation's, else its slug. */
export function programmeName(programmes: readonly { slug: string; name: string }[], slug: string): string {
  return programmes.find((p) => p.slug === slug)?.name ?? slug;
}
