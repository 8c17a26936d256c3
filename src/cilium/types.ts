// The shapes Cilium's output parses into live in the bottom layer (src/model/cilium.ts), so facts can name
// them without src/model importing src/cilium. Parsers and the simulator keep importing them from here.
export type * from '../model/cilium.js';
