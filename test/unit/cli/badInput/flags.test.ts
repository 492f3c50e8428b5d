import { test } from 'node:test';
import { flagCases } from './flagCases';
import { checkCase } from './harness';

for (const c of flagCases)
  test(`flags: ${c.id}`, async () => {
    await checkCase(c);
  });
