/** Destination health: circuit breakers fed by call outcomes, a monitor with probes, and the wrapper that reports outcomes. */
export {
  CircuitBreaker,
  defaultBreakerOptions,
  type BreakerOptions,
  type BreakerSnapshot,
  type BreakerState,
  type Degradation,
  type Trip,
} from './circuit-breaker.js';
export type { DestinationHealth, HealthCause, HealthChange, HealthState } from './health.js';
export {
  HealthMonitor,
  defaultProbeOptions,
  type HealthEvents,
  type MonitorOptions,
  type ProbeOptions,
} from './monitor.js';
export { categorize, type CallOutcome, type OutcomeCategory, type OutcomeSink } from './outcome.js';
export { explainDegradation, explainFailure, type Explanation, type Locality } from './reasons.js';
export { withHealth } from './with-health.js';
