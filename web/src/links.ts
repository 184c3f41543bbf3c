/** Shareable links of a poll: hash routes under the app's own address, so they work on any host. */
export function pollLinks(pollId: string): { vote: string; results: string } {
  const base = `${location.origin}${location.pathname}`;
  const id = encodeURIComponent(pollId);
  return { vote: `${base}#/poll/${id}`, results: `${base}#/poll/${id}/results` };
}
