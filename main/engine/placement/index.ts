// Placement: where each object goes under its wedding's policy. One strategy per file in strategies/.
export type { PlacementRequest, PlacementStrategy } from './strategy.js';
export type {
  DestinationFacts,
  DestinationHealth,
  Placement,
  PlacementTarget,
  Temperature,
} from '../../../shared/model/policy.js';
export { chooseStrategy, place, strategies, type ChooseOptions } from './choose.js';
export {
  destinationFacts,
  providerOf,
  storageClassOf,
  temperatureOf,
  type LiveFacts,
  type PriceFunction,
} from './facts.js';
export { listPrice, priceFromBook } from './prices.js';
export { everyDestination } from './strategies/all.js';
export { archiveSplit } from './strategies/archive-split.js';
export { cheapestDistinct } from './strategies/cheapest-distinct.js';
export { withResidency, hasTag } from './strategies/residency.js';
