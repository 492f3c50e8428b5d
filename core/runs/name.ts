/**
 * User-chosen run names (`output_name`) replace the generated id, so they become a directory
 * name under an artifact root. A name must be one safe, portable path segment.
 */
import { UserError, type ErrorLocation } from '../errors';

/** Longest name accepted, in characters (and at most 255 bytes of UTF-8, the usual file-name limit). */
export const MAX_NAME_LENGTH = 128;

const WINDOWS_RESERVED = /^(con|prn|aux|nul|com[0-9¹²³]|lpt[0-9¹²³])(\..*)?$/i;
const FORBIDDEN_CHARS = /[/\\<>:"|?*]/;
// C0 and C1 control characters, DEL, Unicode line/paragraph separators and bidi overrides.
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const CONTROL_CHARS = /[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/;

/** Why `name` is not a safe single path segment, or undefined when it is. */
export function pathSegmentProblem(name: string): string | undefined {
  if (name.length === 0) return 'it is empty';
  if (name.trim().length === 0) return 'it is only whitespace';
  if (name.includes('\0')) return 'it contains a NUL character';
  if (CONTROL_CHARS.test(name)) return 'it contains a control character';
  if (name.includes('/') || name.includes('\\'))
    return 'it contains a path separator (/ or \\); it must be a single folder name';
  if (name === '.' || name === '..' || name.includes('..')) return "it contains '..'";
  if (name.startsWith('.')) return 'it starts with a dot (hidden folder)';
  if (FORBIDDEN_CHARS.test(name))
    return `it contains one of the characters < > : " | ? * that are not allowed in file names on every system`;
  if (/[. ]$/.test(name)) return 'it ends with a dot or a space';
  if (name !== name.trimStart()) return 'it starts with whitespace';
  if (name.length > MAX_NAME_LENGTH || Buffer.byteLength(name, 'utf8') > 255)
    return `it is longer than ${MAX_NAME_LENGTH} characters`;
  if (WINDOWS_RESERVED.test(name)) return `'${name.split('.')[0]}' is a reserved device name on Windows`;
  return undefined;
}

/**
 * Throws a UserError naming the key `output_name` unless `name` is a single safe path segment:
 * no separators, no `..`, no leading dot, no NUL or control characters, not absurdly long,
 * not a Windows reserved name.
 */
export function validateOutputName(name: string, location: ErrorLocation = {}): void {
  const problem = pathSegmentProblem(name);
  if (problem) {
    throw new UserError(`invalid output_name ${JSON.stringify(name)}: ${problem}`, { key: 'output_name', ...location });
  }
}
