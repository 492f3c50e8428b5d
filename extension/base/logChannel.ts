/** The "Phasebook" LogOutputChannel: the host's own messages and every kernel's log lines. */
import * as vscode from 'vscode';
import type { LogRecord } from '../../core/log';
import { formatLogRecord } from './logFormat';

export class PhasebookLog implements vscode.Disposable {
  readonly channel: vscode.LogOutputChannel;

  constructor() {
    this.channel = vscode.window.createOutputChannel('Phasebook', { log: true });
  }

  kernelRecord(record: LogRecord, source?: string): void {
    const line = formatLogRecord(record, source);
    switch (record.level) {
      case 'debug':
        this.channel.debug(line);
        break;
      case 'warn':
        this.channel.warn(line);
        break;
      case 'error':
        this.channel.error(line);
        break;
      default:
        this.channel.info(line);
    }
  }

  /** Raw process output (stderr of a kernel that crashed, stray prints). */
  processOutput(text: string, source: string): void {
    for (const line of text.split(/\r?\n/)) if (line.trim()) this.channel.info(`[${source}] ${line}`);
  }

  /** Shown when the channel's level is Debug (the host <-> kernel event timeline). */
  debug(message: string): void {
    this.channel.debug(message);
  }

  info(message: string): void {
    this.channel.info(message);
  }

  warn(message: string): void {
    this.channel.warn(message);
  }

  error(message: string): void {
    this.channel.error(message);
  }

  show(): void {
    this.channel.show(true);
  }

  dispose(): void {
    this.channel.dispose();
  }
}
