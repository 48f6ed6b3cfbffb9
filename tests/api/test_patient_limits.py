"""Limits that span claims (算定回数 ３月, 入院中, …) count the patient's other
claims: the stored claims when pricing or replaying, the earlier claims of the
same patient when replaying a file. Without `patient` they stay `unchecked`."""

from __future__ import annotations

import csv
import json
from pathlib import Path
from typing import Any

from fastapi.testclient import TestClient

from tests.cli.test_cli import kaitei

SAISHIN = "112007410"  # 再診料
JOHO_SAISHIN = "112708970"  # 医療情報取得加算（再診）: 05 ３月 1
HAI_KESSEN = "113006910"  # 肺血栓塞栓症予防管理料: 05 入院中 1


def visit(claim_id: str, day: str, **extra: Any) -> dict[str, Any]:
    lines = [{"code": SAISHIN, "date": day}, {"code": JOHO_SAISHIN, "date": day}]
    return {"id": claim_id, "lines": lines, **extra}


def kasan(client: TestClient, body: dict[str, Any]) -> dict[str, Any]:
    response = client.post("/claims/price", json=body)
    assert response.status_code == 200, response.text
    return dict(response.json()["lines"][1])


def test_a_three_month_limit_counts_the_patients_stored_claims(
    bundled_client: TestClient,
) -> None:
    july = visit("2024-07-p1", "2024-07-08", patient="p1")
    assert bundled_client.post("/claims", json=july).status_code == 201

    august = kasan(bundled_client, visit("2024-08-p1", "2024-08-05", patient="p1"))
    october = kasan(bundled_client, visit("2024-10-p1", "2024-10-07", patient="p1"))
    other = kasan(bundled_client, visit("2024-08-p2", "2024-08-05", patient="p2"))
    unnamed = kasan(bundled_client, visit("2024-08-x", "2024-08-05"))

    assert august["reason"] == "limit_exceeded"
    assert august["rule"]["unit"] == "３月"
    assert "1 on the patient's earlier claims" in august["detail"]
    assert (october["status"], october["unchecked"]) == ("priced", [])
    assert (other["status"], other["unchecked"]) == ("priced", [])
    assert (unnamed["status"], unnamed["unchecked"]) == ("priced", ["３月"])


def test_a_per_admission_limit_counts_the_same_admission_only(
    bundled_client: TestClient,
) -> None:
    def claim(claim_id: str, day: str, **extra: Any) -> dict[str, Any]:
        return {"id": claim_id, "lines": [{"code": HAI_KESSEN, "date": day}], **extra}

    first = claim("a1-june", "2024-06-20", patient="p9", admission="2024-06-18")
    assert bundled_client.post("/claims", json=first).status_code == 201

    def priced(body: dict[str, Any]) -> dict[str, Any]:
        response = bundled_client.post("/claims/price", json=body)
        return dict(response.json()["lines"][0])

    same = priced(claim("a1-july", "2024-07-02", patient="p9", admission="2024-06-18"))
    again = priced(claim("a2-july", "2024-07-25", patient="p9", admission="2024-07-24"))
    unknown = priced(claim("a?-july", "2024-07-02", patient="p9"))

    assert same["reason"] == "limit_exceeded"
    assert same["rule"]["unit"] == "入院中"
    assert (again["status"], again["unchecked"]) == ("priced", [])
    assert (unknown["status"], unknown["unchecked"]) == ("priced", ["入院中"])


def test_replaying_stored_claims_counts_the_patients_earlier_claims(
    bundled_client: TestClient,
) -> None:
    alone = bundled_client.post("/claims/price", json=visit("x", "2024-07-08"))
    full = alone.json()["total_points"]  # both lines, as a レセコン would bill
    saishin = alone.json()["lines"][0]["amount"]
    claims = [
        visit("r-07", "2024-07-08", patient="p3", billed_points=full),
        visit("r-08", "2024-08-05", patient="p3", billed_points=full),
    ]
    assert bundled_client.post("/claims", json=claims).status_code == 201

    replayed = bundled_client.post(
        "/claims/replay", json={"from": "2024-07-01", "to": "2024-08-31"}
    ).json()

    assert (replayed["count"], replayed["matched"]) == (2, 1)
    [mismatch] = replayed["mismatched"]
    assert mismatch["id"] == "r-08"  # the 加算 a second time within ３月
    assert mismatch["total_points"] == saishin


def test_replaying_a_file_counts_the_earlier_claims_of_the_same_patient(
    bundled_url: str, tmp_path: Path
) -> None:
    source = tmp_path / "claims.jsonl"
    rows = [
        visit("f-07", "2024-07-08", patient="p5"),
        visit("f-08", "2024-08-05", patient="p5"),
        visit("g-08", "2024-08-05"),
    ]
    source.write_text("\n".join(json.dumps(r) for r in rows) + "\n")
    report = tmp_path / "report.csv"

    done = kaitei(bundled_url, "replay", str(source), "--report", str(report))

    assert done.returncode == 0, done.stderr
    with report.open(encoding="utf-8-sig") as opened:
        lines = [r for r in csv.DictReader(opened) if r["code"] == JOHO_SAISHIN]
    by_claim = {r["claim_id"]: r for r in lines}
    assert by_claim["f-07"]["status"] == "priced"
    assert by_claim["f-08"]["reason"] == "limit_exceeded"
    assert by_claim["f-08"]["rule_table"] == "05算定回数テーブル"
    assert by_claim["f-08"]["patient"] == "p5"
    assert (by_claim["g-08"]["status"], by_claim["g-08"]["unchecked"]) == (
        "priced",
        "３月",
    )
