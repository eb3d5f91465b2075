"""DVC stages: each module reads params.yaml, calls the library and writes its outputs."""
