/** Injection token for the Clock (libs/platform/src/clock): the only place the application reads time. */
export const CLOCK = Symbol('Clock');
