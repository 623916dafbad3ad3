/** The shape of the feed and search benchmark's corpus, shared by the probe worker and the driver. */
export const BENCH_CREATORS = 200;
export const BENCH_FANS = 1000;
export const FOLLOWS_PER_FAN = 10;
/** Every bench fan's email is bench-fan-<n>@fun.localhost, password the demo password. */
export const benchFanEmail = (n: number) => `bench-fan-${n}@fun.localhost`;
/** Words titles are made of; a search for one finds about 3 posts in 500. */
export const VOCABULARY = Array.from({ length: 500 }, (_, i) => `w${(i * 7919) % 100_000}x`);
