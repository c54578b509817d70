import { isMap, isScalar, parseDocument } from 'yaml';
import { readAgentFile } from '../config/file.ts';
import { ConfigError } from '../config/yaml-reader.ts';

/**
 * Checks an agent.yaml before it is installed, the way the agent will read it, so a mistake shows now and not in
 * the service's log. The password file it names is the one the install is about to write, so its path is checked
 * against `installedPasswordFile` and its content is not read. Returns the problem, or undefined.
 */
export function configProblem(file: string, text: string, installedPasswordFile: string | undefined): string | undefined {
  const doc = parseDocument(text);
  const agent = doc.get('agent', true);
  const node = isMap(agent) ? agent.get('password_file', true) : undefined;
  const named = isScalar(node) && typeof node.value === 'string' ? node.value : undefined;
  if (installedPasswordFile !== undefined && named !== installedPasswordFile) {
    return `${file}: agent.password_file must be ${installedPasswordFile}, where the install puts --password-file (it says ${named ?? 'nothing'})`;
  }
  let checked = text;
  if (named !== undefined && named === installedPasswordFile && isScalar(node) && node.range) {
    // Same line, another readable file: line numbers in any message stay those of the user's file.
    checked = `${text.slice(0, node.range[0])}"/dev/null"${text.slice(node.range[1])}`;
  }
  try {
    readAgentFile(file, checked);
    return undefined;
  } catch (err) {
    if (err instanceof ConfigError) return err.message;
    throw err;
  }
}
