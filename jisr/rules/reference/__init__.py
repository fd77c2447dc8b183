"""Reference implementations of Jisr's ASD monthly rules in other engines (OpenFisca-core and
DuckDB SQL), to hold Jisr's engine to the same results and to time it against them (see
docs/rules-engines.md). Not used in production."""
