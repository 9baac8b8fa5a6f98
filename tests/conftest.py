import os
import tempfile

# Compiled-circuit cache of the test run: never the user's, never shared between runs.
os.environ.setdefault("SOLVENT_CACHE_DIR", tempfile.mkdtemp(prefix="solvent-test-cache-"))

pytest_plugins = ["tests.fixtures_liabilities"]
