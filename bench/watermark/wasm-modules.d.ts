// The media worker's sources import the codecs' .wasm files as modules (workerd's convention);
// the benchmark type-checks those sources under Node types, where the import needs this shape.
declare module "*.wasm" {
  const module: WebAssembly.Module;
  export default module;
}
