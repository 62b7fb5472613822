"""Seed folders made on the fly: the real seed plus many generated visits, for loads that
take long enough to be interrupted and states that a reader can tell apart."""

import shutil
from pathlib import Path

import yaml

from app.countries import all_countries
from tests.support import SEED_DIR

VISITOR = "generated-visitor"
CITED = "efe-2023-06-16-cuba-iran-accords"  # a source cited by address: notes, no quotes


def generated_seed(folder: Path, visits: int, label: str) -> Path:
    """A copy of the seed plus `visits` visits by one generated visitor, each summary naming
    `label`, hosted across every country (so facets have many values)."""
    root = folder / f"seed-{label}-{visits}"
    if root.exists():
        return root
    shutil.copytree(SEED_DIR, root)
    participants = root / "participants.yaml"
    with participants.open("a", encoding="utf-8") as out:
        out.write(f"\n- id: {VISITOR}\n  name: Generated Visitor\n  country: IR\n")
    hosts = [c.code for c in all_countries() if c.code != "IR"]
    records = [
        {
            "id": f"generated-visit-{number:06d}",
            "visitor": VISITOR,
            "visitor_country": "IR",
            "host_country": hosts[number % len(hosts)],
            "city": f"City {number}",
            "start_date": f"{2000 + number % 24}-{1 + number % 12:02d}-{1 + number % 28:02d}",
            "kind": "official",
            "summary": f"Generated visit {number} of state {label}.",
            "citations": [{"source": CITED, "note": f"Generated record {number}."}],
        }
        for number in range(visits)
    ]
    dumper = getattr(yaml, "CSafeDumper", yaml.SafeDumper)
    text = yaml.dump({"visits": records}, Dumper=dumper, sort_keys=False, allow_unicode=True)
    (root / "tours" / "generated.yaml").write_text(text, encoding="utf-8")
    return root
