/**
 * A cold-start value built once per container: the first call starts building it and later calls share the
 * result. A failed build is forgotten, so the next invocation tries again instead of failing for the rest of
 * the container's life (a throttled Secrets Manager call at cold start must not poison the container).
 */
export function oncePerContainer<T>(build: () => Promise<T>): () => Promise<T> {
  let pending: Promise<T> | undefined;
  return () => {
    pending ??= build().catch((error: unknown) => {
      pending = undefined;
      throw error;
    });
    return pending;
  };
}
