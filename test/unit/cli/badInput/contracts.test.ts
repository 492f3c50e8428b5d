import { test } from 'node:test';
import { contractCases } from './contractCases';
import { checkCase } from './harness';

for (const c of contractCases)
  test(`contract: ${c.id}`, async () => {
    await checkCase(c);
  });
