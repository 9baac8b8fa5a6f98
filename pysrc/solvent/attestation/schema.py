"""Print a published JSON Schema: ``python -m solvent.attestation.schema`` for the
attestation (``schemas/attestation.schema.json``), ``… schema trusted-keys`` for the
trusted-keys file (``schemas/trusted-keys.schema.json``)."""

import json
import sys

from pydantic import BaseModel

from .models import Attestation
from .trust_files import TrustedKeysFile

SCHEMAS: dict[str, type[BaseModel]] = {"attestation": Attestation, "trusted-keys": TrustedKeysFile}

if __name__ == "__main__":
    which = sys.argv[1] if len(sys.argv) > 1 else "attestation"
    if which not in SCHEMAS:
        sys.exit(f"unknown schema {which!r}: choose from {', '.join(SCHEMAS)}")
    print(json.dumps(SCHEMAS[which].model_json_schema(), indent=1))
