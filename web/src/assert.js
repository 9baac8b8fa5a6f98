// Node's `assert`, as much of it as circomlibjs's Poseidon calls (`assert(condition)`).
export default function assert(condition, message) {
  if (!condition) throw new Error(message || "assertion failed");
}
