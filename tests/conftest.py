import os
import tempfile

# Compiled-circuit cache of the test run: never the user's, never shared between runs.
os.environ.setdefault("SOLVENT_CACHE_DIR", tempfile.mkdtemp(prefix="solvent-test-cache-"))
# Trust store of the test run: never the user's (tests that need one pass --trust-store).
os.environ["SOLVENT_TRUST_STORE"] = os.path.join(tempfile.mkdtemp(prefix="solvent-test-trust-"), "trust.json")

pytest_plugins = ["tests.fixtures_liabilities"]
