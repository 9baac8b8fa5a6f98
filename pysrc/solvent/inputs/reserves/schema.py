"""Print the reserves file's JSON Schema: ``python -m solvent.inputs.reserves.schema``."""

import json

from .models import Reserves

if __name__ == "__main__":
    print(json.dumps(Reserves.model_json_schema(by_alias=True), indent=1))
