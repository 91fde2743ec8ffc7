import { byString, factsNote } from '../describe.js';
import { meets, needsOf, shortfallOf } from '../needs.js';
import type { PlacementStrategy } from '../strategy.js';
import { usableFor } from '../usable.js';

/**
 * Every candidate gets a copy: Keepsake's behaviour before policies (`protection.copies: "all"`). A
 * down or full destination stays a target and is sent the object once it can take it; the policy is
 * satisfied when the destinations usable now meet it.
 */
export const everyDestination: PlacementStrategy = {
  name: 'all',
  place(object, candidates) {
    const needs = needsOf(object.policy);
    const { usable, excluded } = usableFor(object.size, candidates);
    const waiting = new Map(excluded.map((e) => [e.facts.name, e.text]));
    const targets = [...usable, ...excluded.map((e) => e.facts)]
      .sort((a, b) => byString(a.name, b.name))
      .map((d) => {
        let reason = `${d.alreadyHas ? 'already holds a copy; ' : ''}every enabled destination gets a copy (${factsNote(d)})`;
        const wait = waiting.get(d.name);
        if (wait) reason += `; ${wait} now: sent once it can take it`;
        return { destination: d.name, ...(d.storageClass ? { storageClass: d.storageClass } : {}), reason };
      });
    if (meets(needs, usable)) return { targets, satisfied: true };
    return {
      targets,
      satisfied: false,
      shortfall: shortfallOf(
        object.policy.name,
        needs,
        usable,
        excluded.map((e) => e.text),
      ),
    };
  },
};
