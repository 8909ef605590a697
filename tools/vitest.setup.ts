// Libraries never print: any console call during a test fails it (typescript-eslint's console-fail-test idea).
import { afterEach } from 'vitest';

const methods = ['log', 'info', 'warn', 'error', 'debug', 'trace'] as const;
const calls: string[] = [];
for (const m of methods) {
  console[m] = (...args: unknown[]): void => {
    calls.push(`console.${m}(${args.map((a) => String(a)).join(' ')})`);
  };
}
afterEach(() => {
  if (calls.length > 0) {
    const seen = calls.splice(0);
    throw new Error(`test printed to the console (libraries never print):\n${seen.join('\n')}`);
  }
});
