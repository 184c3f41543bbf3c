import { jsonClone } from './errors.ts';
import type { Invocation } from './invocation.ts';

/** Creates the `extensions` object of `@aws-appsync/utils`, recording every request into `inv`. */
export function createExtensions(inv: Invocation) {
  return {
    setSubscriptionFilter(filter: unknown): void {
      inv.subscriptionFilter = jsonClone(filter);
    },
    setSubscriptionInvalidationFilter(filter: unknown): void {
      inv.subscriptionInvalidationFilter = jsonClone(filter);
    },
    invalidateSubscriptions(invalidation: {
      subscriptionField: string;
      payload: Record<string, unknown>;
    }): void {
      inv.invalidations.push(jsonClone(invalidation));
    },
    evictFromApiCache(typeName: string, fieldName: string, keyValuePair: Record<string, unknown>): void {
      inv.cacheEvictions.push({ typeName, fieldName, keyValuePair: jsonClone(keyValuePair) });
    },
  };
}
