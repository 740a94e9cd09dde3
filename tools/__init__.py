"""Developer tooling outside the domain library: the benchmark, the app launcher it shares with
the browser tests, the page probe, and the sample dataset generator."""
