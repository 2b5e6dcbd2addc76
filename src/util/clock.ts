/** The injected clock: real time, or fixed by DRIFTKOLL_NOW for tests and replays. */
export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };

/** A clock frozen at one instant. */
export function fixedClock(at: Date): Clock {
  return { now: () => new Date(at.getTime()) };
}

/** Builds the clock from DRIFTKOLL_NOW when set; throws on an unreadable value. */
export function clockFromEnv(env: NodeJS.ProcessEnv): Clock {
  const raw = env.DRIFTKOLL_NOW?.trim();
  if (!raw) return systemClock;
  const at = new Date(raw);
  if (Number.isNaN(at.getTime())) throw new Error(`DRIFTKOLL_NOW is not an ISO time: ${raw}`);
  return fixedClock(at);
}
