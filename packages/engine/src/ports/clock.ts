/** The engine reads no clock: time comes in through this port (or as a plain argument). */
export interface Clock {
  now(): number;
}
