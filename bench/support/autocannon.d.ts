// autocannon ships no types; the harness uses only its promise API and the 'response' event.
declare module 'autocannon' {
  interface Instance extends PromiseLike<unknown> {
    on(
      event: 'response',
      listener: (client: unknown, status: number, bytes: number, responseTime: number) => void,
    ): void;
  }
  function autocannon(options: Record<string, unknown>): Instance;
  export default autocannon;
}
