import { DEFAULT_AGGREGATOR, type AggregatorConfig } from '../aggregator/config.ts';
import type { FlagSpecs, FlagValues } from './flags.ts';

/** Who may use the HTTP API and dashboard, and which dashboards it serves: README "Dashboard". */
export const httpFlags = {
  'http-auth-token-file': {
    kind: 'string',
    description: 'file of bearer tokens (one a line) the HTTP API and dashboard accept as Authorization: Bearer',
  },
  'http-basic-auth-file': {
    kind: 'string',
    description: 'users for HTTP Basic auth, in mosquitto_passwd format (make entries with outpost passwd FILE USER); re-read on change',
  },
  'http-allow-anonymous': {
    kind: 'boolean',
    description: 'serve the HTTP API and dashboard off loopback without --http-auth-token-file or --http-basic-auth-file (anyone could read every metric)',
  },
  'dashboards-dir': { kind: 'string', description: 'directory of dashboard definitions (*.json), re-read on change', default: DEFAULT_AGGREGATOR.dashboardsDir },
} satisfies FlagSpecs;

export type HttpSettings = Pick<AggregatorConfig, 'httpAuthTokenFile' | 'httpBasicAuthFile' | 'httpAllowAnonymous' | 'dashboardsDir'>;

/** The files are read when the aggregator starts (aggregator/http/auth-setup.ts), so their mistakes stop it there. */
export function httpFrom(values: FlagValues): HttpSettings {
  const tokenFile = values['http-auth-token-file'] as string | undefined;
  const basicFile = values['http-basic-auth-file'] as string | undefined;
  return {
    ...(tokenFile !== undefined ? { httpAuthTokenFile: tokenFile } : {}),
    ...(basicFile !== undefined ? { httpBasicAuthFile: basicFile } : {}),
    httpAllowAnonymous: values['http-allow-anonymous'] === true,
    dashboardsDir: (values['dashboards-dir'] as string | undefined) ?? DEFAULT_AGGREGATOR.dashboardsDir,
  };
}
