/** What a bundle of `months` costs at a monthly price and a discount, rounded to the minor unit. */
export function bundlePrice(monthlyCents: number, bundle: { months: number; discountBps: number }): number {
  return Math.round((monthlyCents * bundle.months * (10_000 - bundle.discountBps)) / 10_000);
}

/** A price after a promotion; never below the smallest chargeable amount (50 minor units). */
export function afterPromotion(cents: number, promo: { kind: "percent" | "fixed"; value: number }): number {
  const off = promo.kind === "percent" ? Math.round((cents * promo.value) / 10_000) : promo.value;
  return Math.max(50, cents - off);
}
