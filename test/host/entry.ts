// Builds the bundled host-test entry from a list of lazily loaded suites. The launcher's bundler
// (test/harness/bundleHostTests.ts) generates the list from test/host/suites/*.host.ts.
import * as vscode from 'vscode';
import {
  countByState,
  HOST_TEST_GREP_ENV,
  HOST_TEST_RESULTS_ENV,
  writeReport,
  type HostTestEntry,
  type HostTestReport,
} from '../../extension/util/hostTestProtocol';
import { runSuites, type HostSuiteModule } from './runner';

export function createHostTestEntry(suites: HostSuiteModule[]): HostTestEntry {
  const runHostTests = async (): Promise<HostTestReport> => {
    const report = await runSuites(suites, {
      vscodeVersion: vscode.version,
      grep: process.env[HOST_TEST_GREP_ENV] || undefined,
    });
    const resultsPath = process.env[HOST_TEST_RESULTS_ENV];
    if (resultsPath) writeReport(resultsPath, report);
    return report;
  };
  return {
    runHostTests,
    run: async () => {
      const report = await runHostTests();
      const { failed, passed } = countByState(report);
      if (failed > 0) throw new Error(`${failed} host test(s) failed`);
      if (passed === 0) throw new Error('no host test ran');
    },
  };
}
