import type { DestinationKind } from './destination.js';

/**
 * Protection policies and placement decisions: how many copies of a wedding's files are needed,
 * where, and why. Pure types, shared by the engine (which decides) and the UI (which explains).
 */

/** `critical`: wedding-day critical; `standard`: everyday; `archive`: delivered or old weddings. */
export type PolicyName = 'critical' | 'standard' | 'archive';

/** The copy requirements of a policy. Every count is a minimum. */
export interface ProtectionRule {
  /** Stored copies in all. */
  copies: number;
  /** Different providers the copies must be spread over (two folders on one disk are one provider). */
  distinctProviders: number;
  /** Copies that must be off this computer (not on its disks or drives that travel with it). */
  offLaptopCopies: number;
  /** Copies in a cold storage class (Glacier, Coldline, Azure Cold/Archive, ...). */
  coldCopies: number;
  /** Copies in a warm class (readable at once). */
  warmCopies: number;
}

/** Settings of one wedding that change its protection; each field left out keeps the policy's value. */
export interface PolicyOverride extends Partial<ProtectionRule> {
  /** Use this policy whatever the dates say. */
  policy?: PolicyName;
}

/** What the policy of one wedding is decided from. */
export interface WeddingProtectionFacts {
  /** Wedding day as `YYYY-MM-DD`, or null when unknown. */
  date: string | null;
  /** The photographer marked the wedding delivered. */
  delivered: boolean;
  /** A region tag every copy must carry (e.g. `EU`), or null for anywhere. */
  residency: string | null;
  override?: PolicyOverride | null;
  /** Some of its files were ingested today (the photographer's calendar day). */
  ingestedToday: boolean;
}

/** The policy that applies to one wedding now, with its requirements and a plain-language reason. */
export interface EffectivePolicy extends ProtectionRule {
  name: PolicyName;
  /** Region tag every copy must carry, or null. */
  residency: string | null;
  /** Job priority for the scheduler: higher runs first; critical is above every other kind of work. */
  priority: number;
  /** Why this policy and these numbers, e.g. `critical: the wedding is in 3 days (2026-06-17) ...`. */
  why: string;
}

export type DestinationHealth = 'healthy' | 'degraded' | 'down';
export type Temperature = 'warm' | 'cold';

/** One candidate destination as placement sees it: what it is, where, how it is doing, what it costs. */
export interface DestinationFacts {
  name: string;
  /**
   * Who or what holds the data: `aws`, `b2`, `wasabi`, `gcs`, `azure`, or `local-<device or path>`.
   * Copies count as independent only on different providers.
   */
  provider: string;
  kind: DestinationKind;
  /** The copy stays with this computer (its disks, drives carried with it): not "off the laptop". */
  local: boolean;
  /** Region tags, e.g. `['EU']`, compared case-insensitively with a wedding's residency. */
  regionTags: readonly string[];
  health: DestinationHealth;
  /** Why it is degraded or down, in plain language (`the disk is full`), when known. */
  healthReason?: string;
  /** Bytes that can still be stored (free space or quota left); null or absent when unlimited or unknown. */
  freeBytes?: number | null;
  /** Storage class objects get there (`STANDARD`, `DEEP_ARCHIVE`, `Cool`, ...), null when it has none. */
  storageClass?: string | null;
  temperature: Temperature;
  /** Price of keeping one GB there for a month, in any one currency used for all candidates. */
  costPerGBMonth: number;
  /** It already holds a verified copy of the object. */
  alreadyHas: boolean;
}

/** One destination the object must be on, with why it was chosen. */
export interface PlacementTarget {
  destination: string;
  /** Storage class of the copy there, when the destination has classes. */
  storageClass?: string;
  reason: string;
}

/** Where one object must be stored (including destinations that already hold it). */
export interface Placement {
  targets: PlacementTarget[];
  /** True when storing on every target meets the policy. */
  satisfied: boolean;
  /** When not satisfied: what is missing and why, in plain language. */
  shortfall?: string;
}
