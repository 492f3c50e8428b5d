// System packages the real-VS-Code tests need (chromium drives the workbench; ripgrep,
// libkrb5-dev and build-essential are what code-server's npm install needs). Installed with
// apt-get when missing and we are root on Debian; otherwise setup-code-server names what is missing.
import { existsSync } from 'node:fs';
import { spawnSync } from 'node:child_process';

const wanted = [
  { pkg: 'chromium', present: () => existsSync('/usr/bin/chromium') },
  { pkg: 'ripgrep', present: () => existsSync('/usr/bin/rg') },
  {
    pkg: 'libkrb5-dev',
    present: () => existsSync('/usr/include/krb5.h') || existsSync('/usr/include/gssapi/gssapi.h'),
  },
  { pkg: 'build-essential', present: () => existsSync('/usr/bin/make') && existsSync('/usr/bin/g++') },
];
const missing = wanted.filter((w) => !w.present()).map((w) => w.pkg);
const root = typeof process.getuid === 'function' && process.getuid() === 0;
if (missing.length && root && existsSync('/usr/bin/apt-get')) {
  console.log(`apt-get install ${missing.join(' ')}`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  spawnSync('apt-get', ['update', '-qq'], { stdio: 'inherit', env });
  const r = spawnSync('apt-get', ['install', '-y', '-qq', '--no-install-recommends', ...missing], {
    stdio: 'inherit',
    env,
  });
  if (r.status !== 0) {
    console.error(`apt-get install ${missing.join(' ')} failed`);
    process.exit(1);
  }
} else if (missing.length) {
  console.error(`missing system packages: ${missing.join(' ')} (install them with apt-get as root)`);
}
