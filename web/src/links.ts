/** Shareable links of a poll: hash routes under the app's own address, so they work on any host. */
export function pollLinks(pollId: string): { vote: string; results: string; present: string } {
  const base = `${location.origin}${location.pathname}`;
  const id = encodeURIComponent(pollId);
  return {
    vote: `${base}#/poll/${id}`,
    results: `${base}#/poll/${id}/results`,
    present: `${base}#/poll/${id}/present`,
  };
}

/** A link as people read it aloud or type it: without the scheme (browsers add it back). */
export function readableLink(url: string): string {
  return url.replace(/^https?:\/\//, '');
}
