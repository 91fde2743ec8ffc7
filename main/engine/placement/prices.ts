import { classPrices, LIST_PRICES, type PriceBook } from '../cost/prices.js';
import { costTarget } from '../cost/targets.js';
import type { PriceFunction } from './facts.js';

const GiB = 2 ** 30;

/**
 * A price function over a price book (cost/prices.ts: the built-in list prices, or the book with the
 * user's overrides applied): the storage price per GiB-month of a destination's class, with
 * Backblaze's 10^9-byte GB converted so providers compare fairly. Local folders and S3-compatible
 * servers without a price cost nothing: the disk is already paid for.
 */
export function priceFromBook(book: PriceBook): PriceFunction {
  return (d) => {
    const target = costTarget(d);
    const c = classPrices(book, target.provider, target.storageClass);
    return c ? c.prices.storagePerGBMonth * (GiB / c.table.bytesPerGB) : 0;
  };
}

/** Storage prices from the built-in list prices. */
export const listPrice: PriceFunction = priceFromBook(LIST_PRICES);
