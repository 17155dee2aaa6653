"""Loading GB/T 2260 region files (data/regions.csv ships with the product; finer levels load from a
file of the same format with ``workerhub load_regions FILE.csv``)."""

import csv
from datetime import date
from pathlib import Path

SHIPPED = Path(__file__).parent / "data" / "regions.csv"
COLUMNS = ["code", "name", "level", "parent", "valid_from", "valid_to", "note"]


def read_regions(path: Path = SHIPPED) -> list[dict]:
    with open(path, encoding="utf-8-sig", newline="") as f:
        reader = csv.DictReader(f)
        missing = set(COLUMNS) - set(reader.fieldnames or [])
        if missing:
            raise ValueError(f"{path}: 缺少列 {', '.join(sorted(missing))}")
        return [dict(row) for row in reader]


def load_regions(Region, rows: list[dict]) -> tuple[int, int]:
    """Insert or update regions (parents first); returns (created, updated). Idempotent."""
    existing = set(Region.objects.values_list("code", flat=True))
    known = existing | {r["code"] for r in rows}
    created = updated = 0
    for row in sorted(rows, key=lambda r: (len(r["code"].rstrip("0")), r["code"])):
        if row["parent"] and row["parent"] not in known:
            raise ValueError(f"{row['code']}: 上级代码 {row['parent']} 不存在")
        values = {
            "name": row["name"], "level": row["level"], "parent_id": row["parent"] or None,
            "valid_from": date.fromisoformat(row["valid_from"]) if row["valid_from"] else None,
            "valid_to": date.fromisoformat(row["valid_to"]) if row["valid_to"] else None,
            "note": row.get("note", "")[:200],
        }
        _obj, was_created = Region.objects.update_or_create(code=row["code"], defaults=values)
        created += was_created
        updated += not was_created
    return created, updated
