import assert from 'node:assert/strict';
import { test } from 'node:test';
import { CancelledError, UserError } from '../../../core/errors';
import { invokeCommand, type CommandFailure, type CommandHost } from '../../../extension/base/commandBoundary';

function recorder(trusted = true): CommandHost & { refused: string[]; failures: CommandFailure[] } {
  const r = { refused: [] as string[], failures: [] as CommandFailure[] };
  return {
    ...r,
    isTrusted: () => trusted,
    refuseUntrusted: (id) => r.refused.push(id),
    failed: (_id, f) => r.failures.push(f),
    get refused() {
      return r.refused;
    },
    get failures() {
      return r.failures;
    },
  };
}

test('a command gets its decoded arguments and its result is returned', async () => {
  const host = recorder();
  const got = await invokeCommand(
    {
      id: 'phasebook.x',
      args: (raw) => [String(raw[0]), Number(raw[1])] as [string, number],
      run: (a: string, n: number) => `${a}:${n * 2}`,
    },
    ['run', '21'],
    host,
  );
  assert.equal(got, 'run:42');
  assert.deepEqual(host.failures, []);
});

test('a command that needs trust does not run in an untrusted workspace', async () => {
  const host = recorder(false);
  let ran = false;
  assert.equal(
    await invokeCommand({ id: 'phasebook.runStaleCells', needsTrust: true, run: () => (ran = true) }, [], host),
    undefined,
  );
  assert.equal(ran, false);
  assert.deepEqual(host.refused, ['phasebook.runStaleCells']);
  assert.equal(
    await invokeCommand({ id: 'phasebook.showLogs', run: () => 'shown' }, [], host),
    'shown',
    'commands that run nothing work untrusted',
  );
});

test(
  'a throwing handler is caught: a user mistake is its message without a stack, a bug names the command and ' +
    'logs the stack',
  async () => {
    const host = recorder();
    await invokeCommand(
      {
        id: 'phasebook.validateDataFile',
        run: () => {
          throw new UserError('column "close" is missing', { file: 'data/btc.csv', line: 1 });
        },
      },
      [],
      host,
    );
    await invokeCommand(
      {
        id: 'phasebook.openRun',
        run: async () => {
          throw new TypeError('x is undefined');
        },
      },
      [],
      host,
    );
    await invokeCommand(
      {
        id: 'phasebook.trainStacking',
        run: () => {
          throw new CancelledError();
        },
      },
      [],
      host,
    );
    assert.equal(host.failures.length, 2, 'a cancellation is not a failure');
    const [user, bug] = host.failures;
    assert.equal(user.user, true);
    assert.match(user.message, /data\/btc\.csv:1.*column "close" is missing/);
    assert.doesNotMatch(user.detail, /at .*\(/);
    assert.equal(bug.user, false);
    assert.equal(bug.message, 'Phasebook: phasebook.openRun failed: x is undefined');
    assert.match(bug.detail, /TypeError: x is undefined\n\s+at /);
  },
);
