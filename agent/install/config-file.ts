/** What a device's agent.yaml must say to reach its aggregator; the rest keeps the agent's defaults. */
export interface DeviceConfig {
  /** Omitted: the agent takes the device's host name. */
  readonly id?: string;
  readonly brokerUrl: string;
  readonly passwordFile?: string;
  readonly dataDir: string;
}

/**
 * The config file `outpost aggregator add-agent` prints and `outpost agent install` writes. Values are written as
 * double-quoted YAML (JSON's escapes), so no path or URL can change the document's structure.
 */
export function renderAgentConfig(config: DeviceConfig, header: readonly string[]): string {
  const q = (s: string) => JSON.stringify(s);
  return [
    ...header.map((line) => `# ${line}`),
    '# Every key is described in agent.example.yaml beside the outpost program (/opt/outpost-agent/agent.example.yaml).',
    'agent:',
    config.id !== undefined ? `  id: ${q(config.id)}` : '  # id: defaults to the host name',
    `  broker: ${q(config.brokerUrl)}`,
    ...(config.passwordFile !== undefined ? [`  password_file: ${q(config.passwordFile)}   # mode 0600, owned by the agent's user`] : []),
    `  data_dir: ${q(config.dataDir)}`,
    '',
  ].join('\n');
}
