import type { Platform } from './platforms.ts';

/** README.txt inside the tarball: what a person holding only the tarball needs, with no network. */
export function deviceReadme(version: string, platform: Platform): string {
  return `Outpost agent ${version} for ${platform.name} (${platform.devices})

Needs Node.js 20 or later (node --version), on a glibc Linux (Debian, Ubuntu, Raspberry Pi OS).
Everything else is in this directory; nothing is downloaded.

Install as a service (as root), with the files "outpost aggregator add-agent" wrote on the aggregator:

  tar -xzf outpost-agent-${version}-${platform.name}.tar.gz -C /opt
  /opt/outpost-agent/bin/outpost agent install --config outpost-agent-<id>/agent.yaml --password-file outpost-agent-<id>/agent.password

That creates the user "outpost", /etc/outpost/agent.yaml, /etc/outpost/agent.password (0600),
/var/lib/outpost (the queue) and the systemd unit outpost-agent.service, then starts it:

  journalctl -u outpost-agent -f                 the agent's log
  /opt/outpost-agent/bin/outpost agent --help    every flag; agent.example.yaml documents the config file
  /opt/outpost-agent/bin/outpost agent uninstall removes the service (keeps /var/lib/outpost unless --purge)

Node.js 20 on Debian 12 (bookworm) and Raspberry Pi OS 12: their nodejs package is version 18, too old.
Install NodeSource's build (it has arm64 and armhf packages) on a machine with internet access:

  curl -fsSL https://deb.nodesource.com/setup_20.x | sudo bash -
  sudo apt-get install -y nodejs

or, offline, the official binary tarball from https://nodejs.org/dist/ (linux-x64, linux-arm64, linux-armv7l):

  tar -xJf node-v20.*-linux-*.tar.xz -C /usr/local --strip-components=1   # node in /usr/local/bin

Debian 13 (trixie) ships Node.js 20 as its own nodejs package: apt-get install nodejs.
`;
}
