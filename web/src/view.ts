/** What every route's view gives back to the router. */
export interface View {
  /** Settles once the view shows its data (the app's "interactive" moment). */
  readonly ready: Promise<void>;
  /** Stops whatever the view keeps running (subscriptions, timers). */
  destroy(): void;
}
