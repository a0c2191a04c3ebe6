// dotprompt's type declarations import Handlebars by a file path that ships no types; assay
// uses only the environment's parse and compile, typed where it reaches them (load.ts).
declare module 'handlebars/dist/cjs/handlebars.js' {
  const Handlebars: {
    HelperDelegate: unknown
  } & Record<string, unknown>
  namespace Handlebars {
    type HelperDelegate = (...args: any[]) => any
  }
  export default Handlebars
}
