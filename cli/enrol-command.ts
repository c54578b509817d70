import { mkdirSync, rmdirSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { basename, join, resolve } from 'node:path';
import { brokerUrlProblem } from '../agent/config/broker-client.ts';
import { renderAgentConfig } from '../agent/install/config-file.ts';
import { DEFAULT_LAYOUT, DEVICE_AGENT_DIR } from '../agent/install/layout.ts';
import { DEFAULT_AGGREGATOR } from '../aggregator/config.ts';
import { CredentialsError } from '../aggregator/ingest/credentials.ts';
import { enrolAgent, EnrolmentError, revokeAgent } from '../aggregator/ingest/enrolment.ts';
import { AGENT_ID_RULE, isValidAgentId } from '../protocol/topics.ts';
import { UsageError, type Command, type FlagSpecs, type FlagValues, type ParsedFlags } from './flags.ts';

/** The file add-agent and remove-agent change when --mqtt-credentials is not given: beside the aggregator's data. */
export const CREDENTIALS_FILE_NAME = 'agents.passwd';

const fileFlags = {
  'data-dir': { kind: 'string', description: "the aggregator's data directory", default: DEFAULT_AGGREGATOR.dataDir },
  'mqtt-credentials': {
    kind: 'string',
    description: `the password file the aggregator's --mqtt-credentials names (default <data-dir>/${CREDENTIALS_FILE_NAME})`,
  },
} satisfies FlagSpecs;

const addFlags = {
  advertise: {
    kind: 'string',
    description: `the aggregator's MQTT address as the device reaches it, e.g. mqtt://central.example:1883 (default mqtt://<this host's name>:${DEFAULT_AGGREGATOR.mqttPort})`,
  },
  out: { kind: 'string', description: "directory for the device's agent.yaml and agent.password (default ./outpost-agent-<id>); must not exist" },
  replace: { kind: 'boolean', description: 'give an enrolled agent a new password (its device then needs the new files)' },
  ...fileFlags,
} satisfies FlagSpecs;

function credentialsFile(values: FlagValues): string {
  return resolve((values['mqtt-credentials'] as string | undefined) ?? join(values['data-dir'] as string, CREDENTIALS_FILE_NAME));
}

function agentId({ positionals = [] }: ParsedFlags): string {
  const [agent, ...extra] = positionals;
  if (agent === undefined || extra.length > 0) throw new UsageError('expected one AGENT_ID');
  if (!isValidAgentId(agent)) throw new UsageError(`agent id ${JSON.stringify(agent)}: must be ${AGENT_ID_RULE}`);
  return agent;
}

/** Credentials problems are the user's to fix (a broken file, an agent already there): said without a stack. */
async function plainly<T>(work: () => Promise<T> | T): Promise<T> {
  try {
    return await work();
  } catch (err) {
    throw err instanceof EnrolmentError || err instanceof CredentialsError ? new UsageError(err.message) : err;
  }
}

/**
 * `outpost aggregator add-agent ID`. The password goes into a file (mode 0600) beside the device's config and is
 * never printed: on a command line it would land in shell history, in `ps` output on the device and in terminal
 * scrollback. What is printed, on stdout, is the config and the one command to run on the device.
 */
export const addAgentCommand: Command = {
  name: 'aggregator add-agent',
  summary:
    "Enrol an agent: a random broker password in the aggregator's credentials file (the running broker picks it up), and a directory " +
    'holding the agent.yaml and agent.password to copy to the device, with the one command that installs them there.',
  flags: addFlags,
  positionals: 'AGENT_ID',
  async run(flags) {
    const { values } = flags;
    const agent = agentId(flags);
    const advertise = (values.advertise as string | undefined) ?? `mqtt://${hostname()}:${DEFAULT_AGGREGATOR.mqttPort}`;
    const problem = brokerUrlProblem(advertise);
    if (problem) throw new UsageError(`--advertise: ${problem}`);
    const file = credentialsFile(values);
    const out = resolve((values.out as string | undefined) ?? `outpost-agent-${agent}`);
    // The directory first: if it cannot be made, the credentials file is left as it was.
    try {
      mkdirSync(out, { mode: 0o700 });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'EEXIST') throw new UsageError(`${out} already exists: remove it or give --out`);
      throw err;
    }
    const { password, replaced } = await plainly(() => enrolAgent(file, agent, { replace: values.replace === true })).catch((err: Error) => {
      rmdirSync(out);
      throw err;
    });
    const config = renderAgentConfig(
      { id: agent, brokerUrl: advertise, passwordFile: DEFAULT_LAYOUT.passwordFile, dataDir: DEFAULT_LAYOUT.dataDir },
      [`Outpost agent ${agent}, enrolled with \`outpost aggregator add-agent\` on ${hostname()}.`],
    );
    writeFileSync(join(out, 'agent.yaml'), config, { mode: 0o644 });
    writeFileSync(join(out, 'agent.password'), `${password}\n`, { mode: 0o600 });

    const dir = basename(out);
    const install = `sudo ${DEVICE_AGENT_DIR}/bin/outpost agent install --config ${dir}/agent.yaml --password-file ${dir}/agent.password && rm -r ${dir}`;
    process.stdout.write(`# ${join(out, 'agent.yaml')}\n${config}\n${install}\n`);
    const notes = [
      `${replaced ? 'gave' : 'enrolled'} ${agent} ${replaced ? 'a new password ' : ''}in ${file}; its password is only in ${join(out, 'agent.password')} (mode 0600)`,
      `copy ${out} to the device (e.g. scp -r ${out} <device>:) and run the last line above there, from the directory holding ${dir}`,
      `the aggregator must run with --mqtt-credentials ${file} and listen where ${advertise} points (e.g. --mqtt-listen 0.0.0.0:${new URL(advertise).port || DEFAULT_AGGREGATOR.mqttPort}); it re-reads the file by itself`,
      ...(advertise.startsWith('mqtts:') ? ['mqtts: copy the CA that signed the broker certificate to the device and add agent.tls.ca_file to agent.yaml'] : []),
      'with mosquitto as the broker: its ACL (aggregator/ingest/mosquitto/acl) covers every agent by pattern; kill -HUP it to re-read the password file',
    ];
    process.stderr.write(notes.map((n) => `${n}\n`).join(''));
  },
};

export const removeAgentCommand: Command = {
  name: 'aggregator remove-agent',
  summary: "Revoke an agent: its entry leaves the credentials file, and the running embedded broker disconnects it at once and refuses it from then on.",
  flags: fileFlags,
  positionals: 'AGENT_ID',
  async run(flags) {
    const agent = agentId(flags);
    const file = credentialsFile(flags.values);
    await plainly(() => revokeAgent(file, agent));
    process.stderr.write(`removed ${agent} from ${file}: the running aggregator disconnects it as soon as it sees the change (mosquitto: after kill -HUP)\n`);
  },
};
