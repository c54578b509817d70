export interface AggregatorConfig {
  /** Holds the store and the agent registry. */
  readonly dataDir: string;
  readonly httpHost: string;
  readonly httpPort: number;
  readonly mqttHost: string;
  readonly mqttPort: number;
}

export const DEFAULT_AGGREGATOR: AggregatorConfig = {
  dataDir: './data/aggregator',
  httpHost: '127.0.0.1',
  httpPort: 9470,
  // Loopback until broker credentials exist: an open broker on a LAN would let anyone write as any agent.
  mqttHost: '127.0.0.1',
  mqttPort: 1883,
};
