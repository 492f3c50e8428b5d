/** Stylesheets are bundled as text (scripts/build.mjs loader '.css': 'text') and adopted via CSSOM. */
declare module '*.css' {
  const text: string;
  export default text;
}
