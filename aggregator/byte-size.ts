/**
 * Bytes as Prometheus prints a size (alecthomas/units' Base2Bytes.String, as in runtimeinfo's storageRetention and
 * the flags page): each base-2 unit with a remainder, largest first — `512MiB`, `1GiB512MiB`, `0B`.
 */
export function formatBase2Bytes(bytes: number): string {
  if (bytes === 0) return '0B';
  const powers = ['', 'K', 'M', 'G', 'T', 'P', 'E'];
  const parts: string[] = [];
  let rest = bytes;
  for (let i = 0; i < powers.length && rest > 0; i++) {
    const part = rest % 1024;
    if (part !== 0) parts.unshift(`${part}${powers[i]}${i === 0 ? 'B' : 'iB'}`);
    rest = Math.floor(rest / 1024);
  }
  return parts.join('');
}
