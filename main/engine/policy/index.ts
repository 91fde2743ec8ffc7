// Protection policies: which policy applies to a wedding, and the config section that sets them.
export { resolvePolicy, describeRule, type ResolveOptions } from './resolve.js';
export { policiesSchema, policyOverrideSchema, defaultPolicies, type Policies } from './schema.js';
export { PRIORITY, priorityOf } from './priority.js';
export type {
  EffectivePolicy,
  PolicyName,
  PolicyOverride,
  ProtectionRule,
  WeddingProtectionFacts,
} from '../../../shared/model/policy.js';
