import { describe, expect, it } from 'vitest';
import { bwrapCommand, checkBwrap, INSTALL_HINT } from '../../src/sandbox/bwrap.js';

describe('bwrapCommand', () => {
  const argv = bwrapCommand({ diskBytes: 1 << 20, asPid1: true, inner: ['/usr/bin/true'] });
  it('unshares every namespace, dies with its parent and clears the environment', () => {
    for (const flag of ['--unshare-all', '--die-with-parent', '--new-session', '--clearenv', '--as-pid-1'])
      expect(argv).toContain(flag);
    expect(argv).not.toContain('--share-net');
  });
  it('exposes /usr read-only and nothing else of the host', () => {
    const binds = argv.flatMap((a, i) => (a === '--ro-bind' || a === '--bind' ? [argv[i + 1]] : []));
    expect(binds).toEqual(['/usr']);
    // Of /etc, only the library alternatives (symlinks into /usr) that numpy's libblas is found through.
    expect(argv.join(' ').replace('--ro-bind-try /etc/alternatives /etc/alternatives', '')).not.toMatch(
      /\/etc|\/home|\/root|\/work\/main/,
    );
  });
  it('gives the working directory a size-limited tmpfs', () => {
    const i = argv.indexOf('/work');
    expect(argv.slice(i - 3, i + 1)).toEqual(['--size', String(1 << 20), '--tmpfs', '/work']);
  });
  it('drops to nobody first when started as root', () => {
    if (process.getuid?.() === 0)
      expect(argv.slice(0, 3)).toEqual(['/usr/bin/setpriv', '--reuid=65534', '--regid=65534']);
    else expect(argv[0]).toBe('/usr/bin/bwrap');
  });
  it('the refusal message says how to install bubblewrap', () => {
    expect(INSTALL_HINT).toMatch(/apt-get install -y bubblewrap/);
    expect(INSTALL_HINT).toMatch(/UNSAFE_noIsolation/);
    expect(checkBwrap()).toEqual({ ok: true });
  });
});
