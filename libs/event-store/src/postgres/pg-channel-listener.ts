import pg from 'pg';

const RETRY_PAUSE_MS = 1000;

/**
 * One LISTEN connection on one channel, for caches and subscribers that must learn when something changed.
 * `onChange` runs on every notification and whenever the connection comes up, drops or is closed: anything
 * may have changed unheard then. It connects lazily on `ready()`, in the background; while it is not up,
 * `ready()` answers false and callers fall back to reading (or polling) as if there were no listener. After a
 * failed attempt or a drop it waits a second before trying again: on the next `ready()`, or by itself with
 * `reconnect` (for listeners nobody asks between changes, such as the api's calendar).
 */
export class PgChannelListener {
  private client: pg.Client | undefined;
  private connecting: Promise<void> | undefined;
  private retryAfter = 0;
  private retryTimer: NodeJS.Timeout | undefined;
  private closed = false;

  constructor(
    private readonly connection: pg.ClientConfig,
    private readonly channel: string,
    private readonly onChange: () => void,
    private readonly options: { reconnect?: boolean } = {},
  ) {}

  /** True when notifications are flowing; otherwise starts connecting in the background. */
  ready(): boolean {
    if (this.closed) return false;
    if (this.client) return true;
    if (!this.connecting && Date.now() >= this.retryAfter) {
      this.connecting = this.connect().finally(() => (this.connecting = undefined));
    }
    return false;
  }

  private async connect(): Promise<void> {
    const client = new pg.Client({
      ...this.connection,
      connectionTimeoutMillis: this.connection.connectionTimeoutMillis || 5000,
    });
    const drop = () => {
      if (this.client === client) this.client = undefined;
      this.retryAfter = Date.now() + RETRY_PAUSE_MS;
      this.scheduleReconnect();
      this.onChange();
      client.end().catch(() => undefined);
    };
    client.on('error', drop);
    client.on('end', drop);
    client.on('notification', () => this.onChange());
    try {
      await client.connect();
      await client.query(`LISTEN "${this.channel.replace(/"/g, '""')}"`);
    } catch {
      drop();
      return;
    }
    if (this.closed) {
      await client.end().catch(() => undefined);
      return;
    }
    this.client = client;
    // Anything committed while we were connecting went unheard.
    this.onChange();
  }

  private scheduleReconnect(): void {
    if (!this.options.reconnect || this.closed || this.retryTimer) return;
    this.retryTimer = setTimeout(() => {
      this.retryTimer = undefined;
      // The pause has passed (a second drop of the same connection may have moved retryAfter on a little).
      this.retryAfter = 0;
      this.ready();
    }, RETRY_PAUSE_MS);
    this.retryTimer.unref();
  }

  async close(): Promise<void> {
    this.closed = true;
    clearTimeout(this.retryTimer);
    this.retryTimer = undefined;
    await this.connecting;
    const client = this.client;
    this.client = undefined;
    this.onChange();
    await client?.end().catch(() => undefined);
  }
}
