/** Glob patterns over '/'-separated relative paths (the `source:` of a load cell). */

/** Converts a glob (`*`, `?`, `**`, `[abc]`, `{a,b}`) over '/'-separated paths to a RegExp. */
export function globToRegExp(pattern: string): RegExp {
  let re = '';
  let inBraces = 0;
  for (let i = 0; i < pattern.length; i++) {
    const ch = pattern[i];
    if (ch === '*') {
      if (pattern[i + 1] === '*') {
        const slash = pattern[i + 2] === '/';
        re += slash ? '(?:[^/]*/)*' : '.*';
        i += slash ? 2 : 1;
      } else re += '[^/]*';
    } else if (ch === '?') re += '[^/]';
    else if (ch === '[') {
      const end = pattern.indexOf(']', i + 1);
      if (end < 0) re += '\\[';
      else {
        const body = pattern
          .slice(i + 1, end)
          .replace(/^!/, '^')
          .replace(/\\/g, '\\\\');
        re += `[${body}]`;
        i = end;
      }
    } else if (ch === '{') {
      inBraces++;
      re += '(?:';
    } else if (ch === '}' && inBraces > 0) {
      inBraces--;
      re += ')';
    } else if (ch === ',' && inBraces > 0) re += '|';
    else re += ch.replace(/[.+^$()|\\]/g, '\\$&');
  }
  return new RegExp(`^${re}$`);
}
