/**
 * Accessibility repairs to GraphiQL 4's markup, applied as it renders (a MutationObserver), so the explorer
 * passes the same axe-core audit as the poll app (no serious or critical violation):
 *
 * - CodeMirror's hidden input textareas get a label naming their editor (axe "label", critical);
 * - the editors' scrolling areas become focusable, so a keyboard reaches content wider than the pane
 *   ("scrollable-region-focusable");
 * - a tab is an `<li role="tab">` around a `<button>` ("nested-interactive"): the role and selection move to
 *   the button and the list item becomes presentational, which is the same tab list to a screen reader.
 *
 * Colours with too little contrast are corrected in explorer.css.
 */

/** The accessible name of a CodeMirror editor's input, from where GraphiQL placed it. */
function editorName(textarea: HTMLTextAreaElement): string {
  if (textarea.closest('.graphiql-query-editor')) return 'Operation (GraphQL)';
  if (textarea.closest('.result-window')) return 'Response';
  const tool = textarea.closest('.graphiql-editor-tool');
  if (tool) {
    const editors = [...tool.querySelectorAll(':scope > .graphiql-editor')];
    const index = editors.findIndex((editor) => editor.contains(textarea));
    return index === 1 ? 'Request headers (JSON)' : 'Variables (JSON)';
  }
  return 'Editor';
}

/** Applies the repairs to everything under `root` that needs them; idempotent. */
export function repairAccessibility(root: ParentNode): void {
  for (const textarea of root.querySelectorAll<HTMLTextAreaElement>(
    '.CodeMirror textarea:not([aria-label])',
  )) {
    textarea.setAttribute('aria-label', editorName(textarea));
  }
  // CodeMirror takes its scroller out of the tab order (tabindex -1): put it back in.
  for (const scroller of root.querySelectorAll<HTMLElement>('.CodeMirror-scroll[tabindex="-1"]')) {
    scroller.tabIndex = 0;
  }
  for (const tab of root.querySelectorAll<HTMLElement>('li[role="tab"], li[aria-selected]')) {
    const button = tab.querySelector(':scope > button');
    if (!button) continue;
    button.setAttribute('role', 'tab');
    button.setAttribute('aria-selected', tab.getAttribute('aria-selected') ?? 'false');
    tab.setAttribute('role', 'presentation');
    tab.removeAttribute('aria-selected');
  }
}

/**
 * Repairs `root` now and whenever GraphiQL adds or changes markup under it.
 *
 * @example keepAccessible(document.body);
 */
export function keepAccessible(root: HTMLElement): MutationObserver {
  repairAccessibility(root);
  const observer = new MutationObserver(() => repairAccessibility(root));
  observer.observe(root, {
    childList: true,
    subtree: true,
    attributes: true,
    attributeFilter: ['aria-selected'],
  });
  return observer;
}
