"""Print the attestation's JSON Schema: ``python -m solvent.attestation.schema``."""

import json

from .models import Attestation

if __name__ == "__main__":
    print(json.dumps(Attestation.model_json_schema(), indent=1))
