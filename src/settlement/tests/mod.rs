mod engine;
mod invariants;
