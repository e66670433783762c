// How the entries' Wasm imports look to TypeScript. The build (scripts/build-js.mjs) decides
// what each specifier becomes: a `.wasm` module import kept for the runtime (workerd, Vercel
// Edge), or the bytes inlined as base64 (`#wasm-base64`, `#engine-wasm-base64`) or hex
// (`#webhooks-wasm-hex`).
declare module '*.wasm' {
  const module: WebAssembly.Module;
  export default module;
}
declare module '*.wasm?module' {
  const module: WebAssembly.Module;
  export default module;
}
declare module '#wasm-base64' {
  const base64: string;
  export default base64;
}
declare module '#engine-wasm-base64' {
  const base64: string;
  export default base64;
}
declare module '#webhooks-wasm-hex' {
  const hex: string;
  export default hex;
}
