import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { readCredentialsFile, writeCredentialsFile } from '../aggregator/ingest/credentials-file.ts';
import { CredentialsError, generatePassword, hashPassword, withoutUser, withUser } from '../aggregator/ingest/credentials.ts';
import { AGENT_ID_RULE, isValidAgentId } from '../protocol/topics.ts';
import { UsageError, type Command, type FlagSpecs } from './flags.ts';

const passwdFlags = {
  'password-file': {
    kind: 'string',
    description: "the agent's password file: its password is used if the file exists, else it is created (mode 0600) with a new random one",
  },
  delete: { kind: 'boolean', description: 'remove the agent from the credentials file (a running broker disconnects it)' },
} satisfies FlagSpecs;

/**
 * `outpost passwd CREDENTIALS_FILE AGENT_ID`: adds or updates one agent in a mosquitto-format password file (the
 * broker picks the change up by itself). Without --password-file the new random password is printed on stdout,
 * the only place it ever appears.
 */
export const passwdCommand: Command = {
  name: 'passwd',
  summary: "Add, update or remove an agent in the broker's credentials file (mosquitto_passwd format).",
  flags: passwdFlags,
  positionals: 'CREDENTIALS_FILE AGENT_ID',
  async run({ values, positionals = [] }) {
    const [file, agent, ...extra] = positionals;
    if (file === undefined || agent === undefined || extra.length > 0) throw new UsageError('expected CREDENTIALS_FILE AGENT_ID');
    if (!isValidAgentId(agent)) throw new UsageError(`agent id ${JSON.stringify(agent)}: must be ${AGENT_ID_RULE}`);
    let text = '';
    if (existsSync(file)) {
      try {
        text = readCredentialsFile(file).text;
      } catch (err) {
        // Rewriting a file we cannot parse could drop entries someone else depends on.
        if (err instanceof CredentialsError) throw new UsageError(`${err.message}; fix it before changing it`);
        throw err;
      }
    }
    if (values.delete === true) {
      const next = withoutUser(text, agent);
      if (next === text) throw new UsageError(`${agent} is not in ${file}`);
      writeCredentialsFile(file, next);
      process.stderr.write(`removed ${agent} from ${file}\n`);
      return;
    }
    const passwordFile = values['password-file'] as string | undefined;
    let password: string;
    if (passwordFile !== undefined && existsSync(passwordFile)) {
      password = readFileSync(passwordFile, 'utf8').trim();
      if (password === '') throw new UsageError(`--password-file ${passwordFile} is empty`);
    } else {
      password = generatePassword();
      if (passwordFile !== undefined) writeFileSync(passwordFile, `${password}\n`, { mode: 0o600, flag: 'wx' });
      else process.stdout.write(`${password}\n`);
    }
    writeCredentialsFile(file, withUser(text, agent, await hashPassword(password)));
    const where = passwordFile === undefined ? 'the password above' : passwordFile;
    process.stderr.write(`set ${agent} in ${file}; give the agent ${where} (outpost agent --password-file, mode 0600)\n`);
  },
};
