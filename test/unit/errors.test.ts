import { test } from 'node:test';
import assert from 'node:assert/strict';
import { UserError, ValidationError, formatUserError, ExitCode } from '../../core/errors';

test('a validation error exits with code 2 and names file, row and column', () => {
  const e = new ValidationError('high < low', { file: 'data/btc.csv', row: 17, dataColumn: 'high' }, [
    'first offending rows: 17, 18',
  ]);
  assert.equal(e.exitCode, ExitCode.Validation);
  assert.equal(formatUserError(e), "data/btc.csv row 17 column 'high': high < low\n  first offending rows: 17, 18");
});

test('a user error points at the cell and key in the notebook', () => {
  const e = new UserError('unknown key', { file: 'demo.pipeline', line: 12, column: 1, cell: 'features', key: 'lagz' });
  assert.equal(e.exitCode, ExitCode.Error);
  assert.match(formatUserError(e), /^demo\.pipeline:12:1 cell 'features' key 'lagz': unknown key$/);
});
