import { test } from 'node:test';
import assert from 'node:assert/strict';
import { tune } from '../../../core/ml/tune/tune';
import { TrainingFailure, type Params } from '../../../core/ml/model';
import { UserError } from '../../../core/errors';

const bowl = (p: Params): number => (Number(p.x) - 1.3) ** 2 + (Number(p.y) + 2.1) ** 2;
const bowlSpace = { x: [-5, 5, 'linear'], y: [-5, 5, 'linear'] } as const;

test('the same seed gives the same trials; another seed gives others (random and TPE)', async () => {
  for (const method of ['random', 'tpe'] as const) {
    const run = (seed: number) =>
      tune({ space: bowlSpace, objective: async (p) => bowl(p), direction: 'min', nTrials: 25, method, seed });
    const [a, b, c] = await Promise.all([run(3), run(3), run(4)]);
    assert.deepEqual(
      a.trials.map((t) => [t.params, t.value]),
      b.trials.map((t) => [t.params, t.value]),
    );
    assert.notDeepEqual(
      a.trials.map((t) => t.params),
      c.trials.map((t) => t.params),
    );
    assert.deepEqual(
      a.best,
      a.trials.reduce((m, t) => (t.value < m.value ? t : m)),
    );
  }
});

test('TPE reaches the optimum of a 2-D bowl in far fewer trials than random search', async () => {
  const cap = 150;
  const trialsToReach = async (method: 'random' | 'tpe', seed: number): Promise<number> => {
    const r = await tune({
      space: bowlSpace,
      objective: async (p) => bowl(p),
      direction: 'min',
      nTrials: cap,
      method,
      seed,
    });
    const hit = r.trials.findIndex((t) => t.value < 0.1);
    return hit < 0 ? cap : hit + 1;
  };
  const seeds = [1, 2, 3, 4, 5, 6];
  const mean = async (method: 'random' | 'tpe') =>
    (await Promise.all(seeds.map((s) => trialsToReach(method, s)))).reduce((a, b) => a + b) / seeds.length;
  const [random, tpe] = [await mean('random'), await mean('tpe')];
  assert.ok(tpe < 0.5 * random, `TPE needed ${tpe} trials on average, random ${random}`);
});

test('log, int and categorical parameters stay in their domains and TPE homes in on the best of each', async () => {
  const space = { alpha: [1e-4, 1e2, 'log'], depth: [1, 12, 'int'], loss: ['l1', 'l2', 'huber'] } as const;
  const f = (p: Params): number =>
    (Math.log10(Number(p.alpha)) + 2) ** 2 + ((Number(p.depth) - 6) / 3) ** 2 + (p.loss === 'huber' ? 0 : 1);
  const r = await tune({ space, objective: async (p) => -f(p), direction: 'max', nTrials: 60, method: 'tpe', seed: 9 });
  for (const t of r.trials) {
    const a = Number(t.params.alpha);
    assert.ok(a >= 1e-4 && a <= 1e2);
    assert.ok(Number.isInteger(t.params.depth) && Number(t.params.depth) >= 1 && Number(t.params.depth) <= 12);
    assert.ok(['l1', 'l2', 'huber'].includes(String(t.params.loss)));
  }
  const late = r.trials.slice(30);
  assert.ok(late.filter((t) => t.params.loss === 'huber').length > 0.6 * late.length, 'TPE prefers the best choice');
  assert.equal(r.best.params.loss, 'huber');
  assert.ok(Math.abs(Math.log10(Number(r.best.params.alpha)) + 2) < 0.5, `alpha ${r.best.params.alpha}`);
  assert.ok(Math.abs(Number(r.best.params.depth) - 6) <= 1);
  // random search over the same log range spreads over the decades (half the draws below 1e-1)
  const rnd = await tune({
    space,
    objective: async (p) => -f(p),
    direction: 'max',
    nTrials: 200,
    method: 'random',
    seed: 9,
  });
  const below = rnd.trials.filter((t) => Number(t.params.alpha) < 1e-1).length / 200;
  assert.ok(below > 0.4 && below < 0.6, `share below 1e-1: ${below}`);
});

test('failed trials are recorded and ranked last; only user mistakes stop the search', async () => {
  const r = await tune({
    space: bowlSpace,
    objective: async (p) => {
      if (Number(p.x) > 0) throw new TrainingFailure('singular matrix');
      return Number(p.y) < 0 ? bowl(p) : NaN;
    },
    direction: 'min',
    nTrials: 30,
    method: 'tpe',
    seed: 2,
  });
  const failed = r.trials.filter((t) => t.state === 'failed');
  assert.ok(failed.length > 0 && failed.length < 30);
  assert.ok(failed.every((t) => Number.isNaN(t.value) && /singular matrix|objective returned NaN/.test(t.error ?? '')));
  assert.equal(r.best.state, 'ok');
  assert.ok(Number(r.best.params.x) <= 0);

  await assert.rejects(
    tune({
      space: bowlSpace,
      objective: async () => {
        throw new TrainingFailure('no convergence');
      },
      direction: 'min',
      nTrials: 3,
      method: 'random',
      seed: 1,
    }),
    (e: unknown) => e instanceof UserError && /all 3 tuning trials failed; the first: no convergence/.test(e.message),
  );
  await assert.rejects(
    tune({
      space: bowlSpace,
      objective: async () => {
        throw new UserError('bad key');
      },
      direction: 'min',
      nTrials: 3,
      method: 'tpe',
      seed: 1,
    }),
    /bad key/,
  );
  await assert.rejects(
    tune({
      space: { a: [0, 1, 'log'] },
      objective: async () => 0,
      direction: 'min',
      nTrials: 3,
      method: 'tpe',
      seed: 1,
    }),
    (e: unknown) => e instanceof UserError && e.location.key === 'space.a',
  );
  const once = await tune({
    space: {},
    objective: async () => 0.5,
    direction: 'max',
    nTrials: 50,
    method: 'tpe',
    seed: 1,
  });
  assert.equal(once.trials.length, 1, 'an empty space has a single point');
});
