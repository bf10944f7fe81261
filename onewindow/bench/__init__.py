"""`make bench`: the benchmark harness (not part of `make test`, which runs it once at tiny size)."""
