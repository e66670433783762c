mod engine;
mod invariants;
mod statements;
