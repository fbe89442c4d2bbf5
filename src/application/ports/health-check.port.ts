/** One dependency readiness depends on: `database`, `cache`, `queue`. Resolves when it answers. */
export interface HealthCheck {
  readonly name: string;
  check(): Promise<void>;
}
