"""Print the price snapshot's JSON Schema: ``python -m solvent.inputs.prices.schema``."""

import json

from .models import PriceSnapshot

if __name__ == "__main__":
    print(json.dumps(PriceSnapshot.model_json_schema(), indent=1))
