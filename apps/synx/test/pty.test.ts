// The pseudo-terminal harness itself: what a failing wait says, and that nothing outlives a test.
import { describe, expect, it } from 'vitest';
import { spawnPty } from './pty.js';

const alive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

describe('spawnPty', () => {
  let leftOver = 0;

  it('runs the built CLI in a terminal and reports its exit', async () => {
    const t = spawnPty(['--version']);
    expect(await t.waitFor(/synx\/\d+\.\d+\.\d+/)).toMatch(/^synx\//);
    const r = await t.exit();
    expect(r).toMatchObject({ code: 0, signal: undefined });
    expect(r.output).toContain('synx/');
  });

  it('a wait that times out shows the end of the screen', async () => {
    const t = spawnPty(['login', '--host', 'http://127.0.0.1:9']);
    await t.waitFor('Access token');
    const err = await t.waitFor('never printed', { timeoutMs: 300 }).catch((e: unknown) => e);
    expect(String(err)).toContain('"never printed" did not appear within 300 ms');
    expect(String(err)).toContain('Access token for http://127.0.0.1:9');
    leftOver = t.pid; // still waiting for a token: the harness must kill it after this test
  });

  it('kills what a test left running', async () => {
    expect(leftOver).toBeGreaterThan(0);
    for (let i = 0; i < 50 && alive(leftOver); i++) {
      await new Promise((r) => setTimeout(r, 20));
    }
    expect(alive(leftOver)).toBe(false);
  });

  it('a wait for text that never comes fails as soon as the process exits', async () => {
    const t = spawnPty(['no-such-command']);
    const started = Date.now();
    const err = await t.waitFor('never printed', { timeoutMs: 15_000 }).catch((e: unknown) => e);
    expect(String(err)).toMatch(/the process exited \(code \d+\) before "never printed" appeared/);
    expect(Date.now() - started).toBeLessThan(15_000);
  });
});
